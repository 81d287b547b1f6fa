// The application the server runs: built-in endpoints in front of the static files, optionally delayed.
// The composition root of Skein.App; the pieces live in Routing/, StaticFiles/ and Endpoints/.
using Skein.App.Endpoints;
using Skein.App.Routing;
using Skein.App.StaticFiles;
using Skein.Http;
using Skein.Http.Application;

namespace Skein.App;

/// <summary>Builds the bundled web application.</summary>
public static class SiteApplication
{
    private static readonly RequestMethod[] Read = [RequestMethod.Get];
    private static readonly RequestMethod[] ReadOrPost = [RequestMethod.Get, RequestMethod.Post];
    private static readonly RequestMethod[] Send = [RequestMethod.Post, RequestMethod.Put];
    // What some resource of this application accepts (the answer to OPTIONS *, RFC 9110 §9.3.7).
    private static readonly RequestMethod[] ServerMethods = [RequestMethod.Get, RequestMethod.Head, RequestMethod.Post, RequestMethod.Put];

    /// <summary>
    /// The handler for <paramref name="options"/>: <c>/io</c>, <c>/cpu</c>, <c>/wait</c>, <c>/notify</c>,
    /// <c>/waiters</c> and <c>/echo</c>, then the files under <see cref="SiteOptions.Root"/>; with a
    /// <see cref="SiteOptions.Delay"/>, every request waits that long first. Throws
    /// <see cref="ArgumentException"/> for invalid options (e.g. a root that is not a directory).
    /// </summary>
    public static IHttpHandler Create(SiteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var files = new StaticFileHandler(options);
        var endpoints = new BuiltInEndpoints(options, files);
        var router = new Router(files, ServerMethods)
            .Map("/io", Read, endpoints.IoAsync)
            .Map("/cpu", Read, endpoints.CpuAsync)
            .Map("/wait", Read, endpoints.WaitAsync)
            .Map("/notify", ReadOrPost, endpoints.NotifyAsync)
            .Map("/waiters", Read, endpoints.WaitersAsync)
            .Map("/echo", Send, EchoEndpoint.HandleAsync);
        return options.Delay > TimeSpan.Zero
            ? new DelayHandler(router, options.Delay, options.TimeProvider)
            : router;
    }
}
