// Logging set-up for the skein program: Microsoft.Extensions.Logging's console logger with Skein's own
// one-line formatter. It does not decide what is logged (the libraries do, with [LoggerMessage]).
using Microsoft.Extensions.Logging;

namespace Skein.Cli.Logging;

/// <summary>Creates the program's logger factory.</summary>
public static class SkeinLogging
{
    /// <summary>Information and up, one line each; with <paramref name="verbose"/>, Debug and up with pid,
    /// thread id and connection id on every line.</summary>
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        builder.AddConsole(options => options.FormatterName = SkeinConsoleFormatter.FormatterName);
        builder.AddConsoleFormatter<SkeinConsoleFormatter, SkeinConsoleFormatterOptions>(options =>
        {
            options.IncludeScopes = verbose;
            options.Verbose = verbose;
            options.UseUtcTimestamp = true;
        });
    });
}
