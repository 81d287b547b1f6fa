// What a PROXY protocol header says about the connection it precedes: which version carried it, whether the
// proxy speaks for a client (PROXY) or for itself (LOCAL: a health check), and the client's and the proxy's
// addresses when it gave them. A value only; ProxyHeaderParser makes it from bytes.
using System.Net;

namespace Skein.Http.Proxy;

/// <summary>The two commands of the PROXY protocol (v1 knows only <see cref="Proxy"/>).</summary>
public enum ProxyCommand : byte
{
    /// <summary>v2 LOCAL: the proxy opened the connection on its own behalf (a health check); the
    /// connection's own endpoints stand.</summary>
    Local,

    /// <summary>The connection was relayed for a client; <see cref="ProxyHeader.Source"/> is that client,
    /// when the proxy knew it.</summary>
    Proxy,
}

/// <summary>
/// A parsed PROXY protocol header. <see cref="Source"/> and <see cref="Destination"/> are null when the
/// header carries no usable address (v1 <c>UNKNOWN</c>, v2 <c>LOCAL</c>, v2 <c>AF_UNSPEC</c> or
/// <c>AF_UNIX</c>): the receiver then keeps the connection's own endpoints, as the specification says.
/// </summary>
/// <param name="Version">1 (text) or 2 (binary).</param>
/// <param name="Command">LOCAL or PROXY.</param>
/// <param name="Source">The client's address and port, or null.</param>
/// <param name="Destination">The address and port the client connected to (the proxy's), or null.</param>
public readonly record struct ProxyHeader(int Version, ProxyCommand Command, IPEndPoint? Source, IPEndPoint? Destination);
