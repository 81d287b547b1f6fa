// One HTTP/1.x response as a test client read it off the wire: status, fields, body. A plain record; the
// parsing lives in RawClient.
using System.Text;

namespace Skein.Testing;

/// <summary>A response read by <see cref="RawClient"/>.</summary>
public sealed class RawResponse
{
    /// <summary>The status line, without CRLF.</summary>
    public required string StatusLine { get; init; }

    /// <summary>The status code.</summary>
    public required int Status { get; init; }

    /// <summary>Header fields in order (name, value).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }

    /// <summary>The body, after removing chunked framing.</summary>
    public required byte[] Body { get; init; }

    /// <summary>The body as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The first value of <paramref name="name"/>, or null.</summary>
    public string? Header(string name)
        => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>True when the response says <c>Connection: close</c>.</summary>
    public bool ConnectionClose => Header("Connection")?.Contains("close", StringComparison.OrdinalIgnoreCase) == true;

    /// <inheritdoc/>
    public override string ToString() => $"{StatusLine} ({Body.Length} body bytes)";
}
