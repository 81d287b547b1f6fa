// The built-in observability endpoints, in front of the application: the status page (HTML, or JSON with
// ?json or Accept: application/json) and the Prometheus metrics, each at the path its option names, for
// loopback clients only (others get 403, as Apache's "Require local" and nginx's "allow 127.0.0.1; deny
// all;" answer). Every other request goes to the application untouched.
using System.Net;
using System.Text.Json;
using Skein.Http;
using Skein.Http.Application;

namespace Skein.Server.Observability;

/// <summary>An <see cref="IHttpHandler"/> that answers the status and metrics paths and passes the rest on.</summary>
public sealed class StatusEndpoints(IHttpHandler application, ServerOptions options, Scoreboard board, TimeProvider time) : IHttpHandler
{
    private readonly MetricsExporter? _metrics = options.MetricsPath is null ? null : new MetricsExporter(board);

    /// <summary>The application behind the endpoints.</summary>
    public IHttpHandler Application { get; } = application;

    /// <summary>The status report as it would be served now.</summary>
    public StatusReport Report() => StatusReport.From(board.Read(), ServerHost.ModelName(options.Model), time.GetUtcNow());

    /// <inheritdoc/>
    public ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path;
        var metrics = path == options.MetricsPath;
        if (!metrics && path != options.StatusPath)
        {
            return Application.HandleAsync(request, cancellationToken);
        }
        if (!IsLoopback(request.RemoteEndPoint))
        {
            return ValueTask.FromResult(HttpResponse.Text(403, "This path answers loopback clients only.\n"));
        }
        if (request.Method is not (RequestMethod.Get or RequestMethod.Head))
        {
            var refused = HttpResponse.Text(405, "GET or HEAD only.\n");
            refused.Headers.Add("Allow", "GET, HEAD");
            return ValueTask.FromResult(refused);
        }
        if (metrics)
        {
            return MetricsAsync(cancellationToken);
        }
        var response = WantsJson(request)
            ? HttpResponse.Bytes(200, JsonSerializer.SerializeToUtf8Bytes(Report(), StatusJson.Default.StatusReport), "application/json")
            : HttpResponse.Bytes(200, StatusPage.Html, "text/html; charset=utf-8");
        response.Headers.Add("Cache-Control", "no-store");
        return ValueTask.FromResult(response);
    }

    private async ValueTask<HttpResponse> MetricsAsync(CancellationToken cancellationToken)
    {
        var response = HttpResponse.Bytes(200, await _metrics!.ExportAsync(cancellationToken), MetricsExporter.ContentType);
        response.Headers.Add("Cache-Control", "no-store");
        return response;
    }

    // ?json (mod_status takes ?auto), ?format=json, or an Accept that names JSON.
    private static bool WantsJson(HttpRequest request)
    {
        var query = request.QueryString;
        return query is "json" or "format=json" || (request.GetHeader("Accept")?.Contains("application/json", StringComparison.OrdinalIgnoreCase) ?? false);
    }

    private static bool IsLoopback(IPEndPoint? client)
        => client is { Address: var address } && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
