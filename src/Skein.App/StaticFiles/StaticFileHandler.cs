// The static-file handler: maps GET/HEAD requests to files under the root (via StaticFileCache) and answers
// with RFC 9110 semantics: validators and preconditions (§13), single byte ranges (§14), content coding (§8.4,
// §12.5.3). It does not resolve paths itself (StaticFileCache) or parse fields (Skein.Http.Semantics).
using Skein.Http;
using Skein.Http.Application;
using Skein.Http.Semantics;

namespace Skein.App.StaticFiles;

/// <summary>Serves the files under <see cref="SiteOptions.Root"/>. See docs/static-files.md for every rule.</summary>
public sealed class StaticFileHandler : IHttpHandler
{
    /// <summary>The methods a static file supports (RFC 9110 §10.2.1 requires Allow on a 405).</summary>
    public const string AllowedMethods = "GET, HEAD, OPTIONS";

    private static readonly byte[] NotFoundPagePath = "/404.html"u8.ToArray();
    private static readonly byte[] IndexPagePath = "/"u8.ToArray();

    private readonly SiteOptions _options;
    private readonly StaticFileCache _cache;
    private readonly Func<long, bool> _reserve;

    /// <summary>Creates the handler for <paramref name="options"/> (validated by the caller).</summary>
    public StaticFileHandler(SiteOptions options)
    {
        _options = options;
        _cache = new StaticFileCache(options);
        _reserve = _cache.TryReserve;
    }

    /// <summary>The canonical document root (symbolic links resolved).</summary>
    public string RealRoot => _cache.RealRoot;

    /// <inheritdoc/>
    public ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
        => ValueTask.FromResult(Handle(request));

    /// <summary>The synchronous body of <see cref="HandleAsync"/>: files are small or sent later by the server.</summary>
    public HttpResponse Handle(HttpRequest request)
    {
        var head = request.Head;
        switch (_cache.Lookup(head.Path, out var entry))
        {
            case LookupStatus.BadRequest:
                return HttpResponse.Text(400, "Bad Request: this path cannot name a file.\n");
            case LookupStatus.NotFound:
                return NotFound();
            case LookupStatus.AddSlash:
                return AddSlash(request);
            case LookupStatus.Found:
                break;
            default:
                throw new InvalidOperationException("Unknown lookup status.");
        }
        switch (head.Method)
        {
            case RequestMethod.Get:
            case RequestMethod.Head:
                return Serve(head, entry!);
            case RequestMethod.Options:
                var options = new HttpResponse(204);
                options.Headers.Add("Allow", AllowedMethods);
                return options;
            default:
                var refused = HttpResponse.Text(405, "Method Not Allowed: a file can be read with GET or HEAD.\n");
                refused.Headers.Add("Allow", AllowedMethods);
                return refused;
        }
    }

    /// <summary>The root's index page as a plain 200 (no conditionals, not cacheable): what <c>/io</c> and
    /// <c>/cpu</c> answer with once their work is done. A short text when the root has no index.html.</summary>
    public HttpResponse IndexPage()
    {
        if (_cache.Lookup(IndexPagePath, out var entry) != LookupStatus.Found)
        {
            return HttpResponse.Text(200, "done\n");
        }
        var response = new HttpResponse(200) { Body = (ResponseBody?)entry!.Body ?? new FileBody(entry.RealPath, 0, entry.Length) };
        response.Headers.Add("Content-Type", entry.Type.ContentType);
        response.Headers.Add("Cache-Control", "no-store");
        return response;
    }

    private HttpResponse NotFound()
    {
        // The site's own 404 page when it has one (nginx: error_page 404 /404.html), served with status 404.
        if (_cache.Lookup(NotFoundPagePath, out var page) == LookupStatus.Found && page!.Body is not null)
        {
            var custom = new HttpResponse(404) { Body = page.Body };
            custom.Headers.Add("Content-Type", page.Type.ContentType);
            return custom;
        }
        return HttpResponse.Text(404, "Not Found\n");
    }

    // RFC 9110 §15.4.2: 301 to the canonical URL; relative references resolve against the directory only when
    // the URL ends with '/', so index.html's links break without this redirect.
    private static HttpResponse AddSlash(HttpRequest request)
    {
        var location = request.Head.HasQuery ? request.Path + "/?" + request.QueryString : request.Path + "/";
        var response = HttpResponse.Text(301, "Moved Permanently: " + location + "\n");
        response.Headers.Add("Location", location);
        return response;
    }

    private HttpResponse Serve(RequestHead head, FileEntry entry)
    {
        var isGet = head.Method == RequestMethod.Get;
        var conditions = RequestConditions.Read(head);

        // Choose the representation first: validators belong to the selected representation (§8.8).
        // Ranges are never coded, so a GET with Range selects identity.
        CompressedVariant? variant = null;
        if (entry.Compressible && conditions.HasAcceptEncoding && !(isGet && conditions.HasRange))
        {
            var coding = AcceptEncoding.Negotiate(conditions.AcceptEncoding, ContentCodings.All);
            if (coding != ContentCoding.Identity)
            {
                variant = entry.GetVariant(coding, _reserve)
                    ?? (coding == ContentCoding.Brotli ? entry.GetVariant(ContentCoding.Gzip, _reserve) : null);
            }
        }
        var etag = variant?.ETagBytes ?? entry.ETagBytes;

        // RFC 9110 §13.2.2, in its order.
        // 1. If-Match: the client's copy must still be current (strong comparison, §13.1.1).
        if (conditions.HasIfMatch)
        {
            if (!EntityTag.ListMatches(conditions.IfMatch, etag, EntityTagComparison.Strong))
            {
                return PreconditionFailed(entry, variant);
            }
        }
        // 2. If-Unmodified-Since, only without If-Match; an invalid date is ignored (§13.1.4).
        else if (conditions.HasIfUnmodifiedSince && HttpDate.TryParse(conditions.IfUnmodifiedSince, out var unmodifiedSince)
            && entry.LastModified > unmodifiedSince)
        {
            return PreconditionFailed(entry, variant);
        }
        // 3. If-None-Match (weak comparison, §13.1.2): a match is 304 for GET/HEAD.
        if (conditions.HasIfNoneMatch)
        {
            if (EntityTag.ListMatches(conditions.IfNoneMatch, etag, EntityTagComparison.Weak))
            {
                return NotModified(entry, variant);
            }
        }
        // 4. If-Modified-Since, only without If-None-Match (§13.1.3).
        else if (conditions.HasIfModifiedSince && HttpDate.TryParse(conditions.IfModifiedSince, out var modifiedSince)
            && entry.LastModified <= modifiedSince)
        {
            return NotModified(entry, variant);
        }
        // 5. Range, for GET only (§14.2), unless If-Range says the client's partial copy is stale.
        if (isGet && conditions.HasRange && (!conditions.HasIfRange || IfRangeHolds(conditions.IfRange, entry)))
        {
            switch (RangeHeader.Parse(conditions.Range, entry.Length, out var range))
            {
                case RangeKind.Satisfiable:
                    return Partial(entry, range);
                case RangeKind.Unsatisfiable:
                    return RangeNotSatisfiable(entry);
                case RangeKind.Ignore:
                default:
                    break;
            }
        }
        // 6. The whole representation.
        var response = new HttpResponse(200)
        {
            Body = (ResponseBody?)variant?.Body ?? (ResponseBody?)entry.Body ?? new FileBody(entry.RealPath, 0, entry.Length),
        };
        AddRepresentationHeaders(response.Headers, entry, variant);
        if (variant is not null)
        {
            response.Headers.Add("Content-Encoding", variant.ContentEncoding);
        }
        return response;
    }

    // §13.1.5: an entity-tag must match strongly; a date must equal Last-Modified exactly (and a weak
    // tag, or anything unparsable, means "stale": send everything). A weak tag starts "W/", not just "W":
    // "Wed, 02 Dec 2026 ..." is a date.
    private static bool IfRangeHolds(ReadOnlySpan<byte> ifRange, FileEntry entry)
    {
        var value = ifRange.Trim(" \t"u8);
        if (!value.IsEmpty && (value[0] == '"' || value.StartsWith("W/"u8)))
        {
            return EntityTag.IsValid(value) && EntityTag.ListMatches(value, entry.ETagBytes, EntityTagComparison.Strong);
        }
        return HttpDate.TryParse(value, out var date) && date == entry.LastModified;
    }

    private static HttpResponse Partial(FileEntry entry, ByteRange range)
    {
        var response = new HttpResponse(206)
        {
            Body = entry.Content is { } content
                ? new BytesBody(content.AsMemory((int)range.Start, (int)range.Length))
                : (ResponseBody)new FileBody(entry.RealPath, range.Start, range.Length),
        };
        AddRepresentationHeaders(response.Headers, entry, null);
        response.Headers.Add("Content-Range", range.ToContentRange());
        return response;
    }

    // §15.5.17: 416 with the current length, so the client can correct its request.
    private static HttpResponse RangeNotSatisfiable(FileEntry entry)
    {
        var response = HttpResponse.Text(416, "Range Not Satisfiable\n");
        response.Headers.Add("Content-Range", ByteRange.Unsatisfied(entry.Length));
        response.Headers.Add("Accept-Ranges", "bytes");
        return response;
    }

    // §15.4.5: a 304 carries the validators and Vary a 200 would have, and no content.
    private static HttpResponse NotModified(FileEntry entry, CompressedVariant? variant)
    {
        var response = new HttpResponse(304);
        response.Headers.Add("ETag", variant?.ETag ?? entry.ETag);
        response.Headers.Add("Last-Modified", entry.LastModifiedText);
        if (entry.Compressible)
        {
            response.Headers.Add("Vary", "Accept-Encoding");
        }
        return response;
    }

    private static HttpResponse PreconditionFailed(FileEntry entry, CompressedVariant? variant)
    {
        var response = HttpResponse.Text(412, "Precondition Failed\n");
        response.Headers.Add("ETag", variant?.ETag ?? entry.ETag);
        return response;
    }

    private static void AddRepresentationHeaders(ResponseHeaders headers, FileEntry entry, CompressedVariant? variant)
    {
        headers.Add("Content-Type", entry.Type.ContentType);
        headers.Add("Last-Modified", entry.LastModifiedText);
        headers.Add("ETag", variant?.ETag ?? entry.ETag);
        headers.Add("Accept-Ranges", "bytes");
        if (entry.Compressible)
        {
            headers.Add("Vary", "Accept-Encoding");
        }
    }
}
