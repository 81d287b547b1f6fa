using System.Text;

namespace Skein.Http.Application;

/// <summary>A response: status, header fields and a body. The server adds Date, Server, framing and Connection.</summary>
public sealed class HttpResponse
{
    /// <summary>Creates a response with status <paramref name="status"/> and no body.</summary>
    public HttpResponse(int status = 200) => Status = status;

    /// <summary>The status code (100–999).</summary>
    public int Status { get; set; }

    /// <summary>Header fields other than Date, Server, Content-Length, Transfer-Encoding and Connection.</summary>
    public ResponseHeaders Headers { get; } = new();

    /// <summary>The body; <see cref="ResponseBody.Empty"/> by default.</summary>
    public ResponseBody Body { get; set; } = ResponseBody.Empty;

    /// <summary>When true the server closes the connection after this response.</summary>
    public bool CloseConnection { get; set; }

    /// <summary>A response with <paramref name="text"/> as its UTF-8 body.</summary>
    public static HttpResponse Text(int status, string text, string contentType = "text/plain; charset=utf-8")
        => Bytes(status, Encoding.UTF8.GetBytes(text), contentType);

    /// <summary>A response with <paramref name="content"/> as its body.</summary>
    public static HttpResponse Bytes(int status, ReadOnlyMemory<byte> content, string contentType)
    {
        var response = new HttpResponse(status) { Body = new BytesBody(content) };
        response.Headers.Add("Content-Type", contentType);
        return response;
    }
}
