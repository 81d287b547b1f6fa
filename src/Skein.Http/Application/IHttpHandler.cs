namespace Skein.Http.Application;

/// <summary>
/// An application: one request in, one response out. Handlers are async and must not block a thread
/// while they wait (an event-loop model runs every handler of a loop on that loop's one thread).
/// An exception becomes a 500 for this request alone.
/// </summary>
public interface IHttpHandler
{
    /// <summary>Handles <paramref name="request"/>. <paramref name="cancellationToken"/> fires when the
    /// connection is lost or the server stops waiting (shutdown deadline).</summary>
    ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken);
}
