// The signature of a routed endpoint. A delegate type only.
using Skein.Http.Application;

namespace Skein.App.Routing;

/// <summary>Handles one routed request, like <see cref="IHttpHandler.HandleAsync"/>.</summary>
public delegate ValueTask<HttpResponse> Endpoint(HttpRequest request, CancellationToken cancellationToken);
