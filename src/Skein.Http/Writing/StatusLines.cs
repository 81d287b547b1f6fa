// The status line of every status code Skein is likely to send, pre-encoded ("HTTP/1.1 404 Not Found\r\n"),
// and the reason phrases (RFC 9110 §15). A read-only table; codes not in it get an empty reason phrase,
// which RFC 9112 §4 allows.
using System.Text;

namespace Skein.Http.Writing;

internal static class StatusLines
{
    private static readonly byte[]?[] Lines = Build();

    /// <summary>The reason phrase of <paramref name="status"/>, or "" when the table has none.</summary>
    public static string ReasonPhrase(int status) => status switch
    {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        511 => "Network Authentication Required",
        _ => "",
    };

    /// <summary>Writes "HTTP/1.1 &lt;status&gt; &lt;reason&gt;\r\n".</summary>
    public static void Write(ref OutputWriter writer, int status)
    {
        if (status is >= 100 and <= 599 && Lines[status] is { } line)
        {
            writer.Write(line);
            return;
        }
        writer.Write("HTTP/1.1 "u8);
        writer.WriteDecimal(status);
        writer.Write(" \r\n"u8);
    }

    private static byte[]?[] Build()
    {
        var lines = new byte[]?[600];
        for (var status = 100; status < lines.Length; status++)
        {
            var reason = ReasonPhrase(status);
            if (reason.Length > 0)
            {
                lines[status] = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\n");
            }
        }
        return lines;
    }
}
