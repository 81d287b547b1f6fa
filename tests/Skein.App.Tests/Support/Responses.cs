// Sends a request through a handler and returns what the client would see. Test plumbing.
using Skein.Http.Application;

namespace Skein.App.Tests.Support;

public static class Responses
{
    public static async Task<HttpResponse> SendAsync(this IHttpHandler handler, HttpRequest request)
        => await handler.HandleAsync(request, CancellationToken.None);

    public static Task<HttpResponse> GetAsync(this IHttpHandler handler, string target, params string[] headers)
        => handler.SendAsync(Requests.Get(target, headers));
}
