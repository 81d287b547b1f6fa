// --delay: waits a fixed time before handing each request to the application, on a timer (no thread held),
// so that concurrency is visible by hand (many requests in flight at once). Nothing else.
using Skein.Http.Application;

namespace Skein.App;

/// <summary>Delays every request by <paramref name="delay"/> (measured by <paramref name="timeProvider"/>), then
/// passes it to <paramref name="inner"/>.</summary>
public sealed class DelayHandler(IHttpHandler inner, TimeSpan delay, TimeProvider timeProvider) : IHttpHandler
{
    /// <inheritdoc/>
    public async ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, timeProvider, cancellationToken);
        return await inner.HandleAsync(request, cancellationToken);
    }
}
