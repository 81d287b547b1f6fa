// A small router: method + exact path or prefix → endpoint, 405 with Allow when the path exists but the method
// does not, OPTIONS answered from the same table, everything else to a fallback handler (the static files).
// It does not decode paths: routes match the path as the core left it (dot segments removed, RFC 3986 §5.2.4,
// so "/x/../io" is "/io"; otherwise still encoded), so "/%69o" is not "/io" (it falls through to the files,
// which decode it once and find no file).
using System.Numerics;
using System.Text;
using Skein.Http;
using Skein.Http.Application;

namespace Skein.App.Routing;

/// <summary>Dispatches requests to routes in the order they were added; the first route whose path matches and
/// that allows the method wins. Build it, then share it: after construction it is read-only and thread-safe.</summary>
public sealed class Router : IHttpHandler
{
    private readonly List<Route> _routes = [];
    private readonly IHttpHandler _fallback;
    private readonly string _serverAllow;

    /// <summary>Creates a router that sends unmatched paths to <paramref name="fallback"/>, and answers
    /// <c>OPTIONS *</c> with <paramref name="serverMethods"/> (what the server supports anywhere, §9.3.7).</summary>
    public Router(IHttpHandler fallback, IReadOnlyCollection<RequestMethod> serverMethods)
    {
        _fallback = fallback;
        _serverAllow = AllowValue(Mask(serverMethods));
    }

    /// <summary>Routes requests whose path is exactly <paramref name="path"/> and whose method is one of
    /// <paramref name="methods"/> (GET implies HEAD) to <paramref name="endpoint"/>.</summary>
    public Router Map(string path, IReadOnlyCollection<RequestMethod> methods, Endpoint endpoint)
    {
        _routes.Add(new Route(path, isPrefix: false, methods, endpoint));
        return this;
    }

    /// <summary>Like <see cref="Map"/> for every path starting with <paramref name="prefix"/>.</summary>
    public Router MapPrefix(string prefix, IReadOnlyCollection<RequestMethod> methods, Endpoint endpoint)
    {
        _routes.Add(new Route(prefix, isPrefix: true, methods, endpoint));
        return this;
    }

    /// <inheritdoc/>
    public ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var head = request.Head;
        if (head.TargetForm == TargetForm.Asterisk)
        {
            return ValueTask.FromResult(OptionsResponse(head.Method, _serverAllow));
        }
        var path = head.Path;
        var pathMask = 0;
        foreach (var route in _routes)
        {
            if (!route.Matches(path))
            {
                continue;
            }
            if (route.Allows(head.Method))
            {
                return route.Handler(request, cancellationToken);
            }
            pathMask |= route.MethodMask;
        }
        if (pathMask == 0)
        {
            return _fallback.HandleAsync(request, cancellationToken);
        }
        // The path exists but not with this method: OPTIONS lists what does work (§9.3.7), anything else is
        // 405 with the same list (§15.5.6).
        return ValueTask.FromResult(OptionsResponse(head.Method, AllowValue(pathMask)));
    }

    private static HttpResponse OptionsResponse(RequestMethod method, string allow)
    {
        HttpResponse response;
        if (method == RequestMethod.Options)
        {
            response = new HttpResponse(204);
        }
        else
        {
            response = HttpResponse.Text(405, "Method Not Allowed\n");
        }
        response.Headers.Add("Allow", allow);
        return response;
    }

    private static int Mask(IReadOnlyCollection<RequestMethod> methods)
    {
        var mask = 0;
        foreach (var method in methods)
        {
            mask |= 1 << (int)method;
        }
        return mask;
    }

    private static string AllowValue(int mask)
    {
        mask |= 1 << (int)RequestMethod.Options;
        var allow = new StringBuilder();
        // The mask's bits in ascending order, as the enum declares them (not Enum.GetValues: in the native
        // skein that reads enum metadata, a cost every worker process paid at start).
        for (var bits = (uint)mask; bits != 0; bits &= bits - 1)
        {
            allow.Append(allow.Length == 0 ? "" : ", ").Append(MethodNames.Of((RequestMethod)BitOperations.TrailingZeroCount(bits)));
        }
        return allow.ToString();
    }
}
