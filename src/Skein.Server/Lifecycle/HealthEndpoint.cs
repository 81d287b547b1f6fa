// The health check a load balancer polls (HAProxy's `option httpchk GET /healthz`, a Kubernetes probe): the
// server answers it itself, in front of the application, from its lifecycle state. It says whether this
// server instance wants new clients; it does not measure the application (a static site has nothing to check).
using Skein.Http;
using Skein.Http.Application;

namespace Skein.Server.Lifecycle;

/// <summary>
/// Answers <c>GET</c> or <c>HEAD</c> on <see cref="ServerOptions.HealthPath"/> (default <c>/healthz</c>): 200
/// <c>ok</c> while the server serves; 503 <c>draining</c> once it is shutting down (SIGTERM), so a load balancer
/// takes the instance out while its in-flight requests finish. A worker process replaced by a reload drains
/// too, but the instance does not: it keeps answering 200 (<see cref="MarkReplaced"/>). Every other request
/// goes to the application.
/// </summary>
public sealed class HealthEndpoint(IHttpHandler application, string? path, ShutdownCoordinator shutdown) : IHttpHandler
{
    private static readonly ReadOnlyMemory<byte> Ok = "ok\n"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Draining = "draining\n"u8.ToArray();
    private readonly byte[]? _path = path is null ? null : System.Text.Encoding.ASCII.GetBytes(path);
    private volatile bool _replaced;

    /// <summary>The application behind the endpoint.</summary>
    public IHttpHandler Application { get; } = application;

    /// <summary>True when the health check would answer 503.</summary>
    public bool IsDraining => shutdown.IsStopping && !_replaced;

    /// <summary>This process is stopping because a reload replaced it with a new one: the instance as a whole
    /// is healthy, so the endpoint keeps answering 200 (with <c>Connection: close</c>, as every response of a
    /// stopping server) while this process drains.</summary>
    public void MarkReplaced() => _replaced = true;

    /// <inheritdoc/>
    public ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_path is null || !request.Head.Path.SequenceEqual(_path))
        {
            return Application.HandleAsync(request, cancellationToken);
        }
        if (request.Method is not (RequestMethod.Get or RequestMethod.Head))
        {
            var refused = HttpResponse.Text(405, "405 Method Not Allowed\n");
            refused.Headers.Add("Allow", "GET, HEAD");
            return ValueTask.FromResult(refused);
        }
        var draining = IsDraining;
        var response = HttpResponse.Bytes(draining ? 503 : 200, draining ? Draining : Ok, "text/plain; charset=utf-8");
        // A health answer is about now: no cache between the balancer and us may keep it.
        response.Headers.Add("Cache-Control", "no-store");
        return ValueTask.FromResult(response);
    }
}
