namespace Skein.Server.Connections;

/// <summary>
/// A transport cannot go on for a reason of the server's own, not the client's: the kernel refused it a
/// resource (epoll_ctl out of memory, or past fs.epoll.max_user_watches). Unlike a <see cref="System.Net.Sockets.SocketException"/>
/// or <see cref="IOException"/> of the connection, which are a client going away, the connection loop logs it
/// as a failure: an operator has a limit to raise.
/// </summary>
public sealed class TransportFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransportFailedException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public TransportFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and the error behind it.</summary>
    public TransportFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
