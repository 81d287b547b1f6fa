// Positional arguments (bench's URL, send's HOST PORT REQUEST), parsed with the same one-line errors as
// options: "URL 'ftp://x': expected an http:// URL". Arguments have no letters, so they are not in the
// option table; their names appear in usage lines only.
using System.CommandLine;
using System.Globalization;
using Skein.Bench;

namespace Skein.Cli.Grammar;

/// <summary>Builders for typed positional arguments.</summary>
public static class CommandArguments
{
    /// <summary>An http:// URL; a missing scheme means http://.</summary>
    public static Argument<Uri> Url(string name, string description) => new SkeinArgument<Uri>(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (TargetUrl.TryParse(text, out var url))
            {
                return url;
            }
            result.AddError(Rejection(name, text, "an http:// URL such as http://127.0.0.1:8085/"));
            return null!;
        },
    };

    /// <summary>A TCP port to connect to, 1 to 65535.</summary>
    public static Argument<int> Port(string name, string description) => new SkeinArgument<int>(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
            {
                return port;
            }
            result.AddError(Rejection(name, text, "a port number from 1 to 65535"));
            return 0;
        },
    };

    /// <summary>The one-line error for an argument: "URL 'x': expected ...".</summary>
    public static string Rejection(string name, string text, string expected) => $"{name.ToUpperInvariant()} '{text}': expected {expected}";

    /// <summary>Marks an argument whose parser writes its own one-line errors.</summary>
    internal interface IOwnErrors;

    private sealed class SkeinArgument<T>(string name) : Argument<T>(name), IOwnErrors;
}
