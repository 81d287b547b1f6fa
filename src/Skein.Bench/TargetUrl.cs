// TargetUrl: turns what a user types for a target ("http://host:port/path", "host:port/path",
// "host:port") into an absolute http:// Uri. Parsing only; it does not resolve or connect.
namespace Skein.Bench;

/// <summary>Parses target URLs given on the command line.</summary>
public static class TargetUrl
{
    /// <summary>Parses <paramref name="text"/>; a missing scheme means http://.</summary>
    /// <exception cref="FormatException">Not an http URL.</exception>
    public static Uri Parse(string text)
        => TryParse(text, out var uri) ? uri : throw new FormatException($"'{text}' is not an http:// URL");

    /// <summary>Parses <paramref name="text"/>; a missing scheme means http://. False if it is not an http URL.</summary>
    public static bool TryParse(string? text, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        string candidate = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttp || string.IsNullOrEmpty(parsed.Host))
        {
            return false;
        }
        uri = parsed;
        return true;
    }
}
