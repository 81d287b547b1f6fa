// /echo: the request body back as the response body, in bounded memory, chunked or not. It reads the first
// piece of the body before answering (so a client that sent Expect: 100-continue gets its 100 before the
// final status, RFC 9110 §10.1.1) and streams the rest while the response is sent.
using System.Buffers;
using Skein.Http.Application;

namespace Skein.App.Endpoints;

/// <summary>Echoes request bodies.</summary>
public static class EchoEndpoint
{
    // Bodies up to this size are read whole and answered with Content-Length from memory; larger or chunked
    // ones stream through one pooled buffer of this size. 64 KiB: the socket buffer size Kestrel and nginx
    // work with, so one read usually drains what has arrived.
    private const int BufferBytes = 64 * 1024;

    /// <summary>Answers with the request body, with the request's Content-Type (or application/octet-stream).</summary>
    public static async ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var contentType = request.GetHeader("Content-Type") ?? "application/octet-stream";
        if (!request.HasBody)
        {
            return HttpResponse.Bytes(200, ReadOnlyMemory<byte>.Empty, contentType);
        }
        if (request.ContentLength is { } small && small <= BufferBytes)
        {
            var content = new byte[small];
            await request.Body.ReadExactlyAsync(content, cancellationToken);
            return HttpResponse.Bytes(200, content, contentType);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        int first;
        try
        {
            first = await request.Body.ReadAsync(buffer.AsMemory(0, BufferBytes), cancellationToken);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        var response = new HttpResponse(200)
        {
            // Known length: sent with Content-Length; chunked request: sent chunked (HTTP/1.1) or
            // close-delimited (HTTP/1.0). The server disposes the stream, which returns the buffer.
            Body = new StreamBody(new PrefixedStream(buffer, first, request.Body), request.ContentLength),
        };
        response.Headers.Add("Content-Type", contentType);
        return response;
    }
}
