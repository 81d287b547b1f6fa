// Skein's console log line: "2026-01-01T12:00:00.000Z info  message", and in verbose mode
// "... [pid 123 tid 7 conn 42] message", so one can watch which process and thread serve which
// connection. It formats only; levels and categories are configured in SkeinLogging.
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Skein.Server.Logging;

namespace Skein.Cli.Logging;

/// <summary>Options of <see cref="SkeinConsoleFormatter"/>.</summary>
public sealed class SkeinConsoleFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>Add pid, thread id and connection id to every line.</summary>
    public bool Verbose { get; set; }
}

/// <summary>Writes each log entry as one line.</summary>
public sealed class SkeinConsoleFormatter(IOptionsMonitor<SkeinConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    /// <summary>The name to select this formatter by.</summary>
    public const string FormatterName = "skein";

    private static readonly int ProcessId = Environment.ProcessId;

    /// <inheritdoc/>
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var settings = options.CurrentValue;
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var now = settings.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
        textWriter.Write(now.ToString("yyyy-MM-ddTHH:mm:ss.fffK", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(' ');
        textWriter.Write(Level(logEntry.LogLevel));
        if (settings.Verbose)
        {
            long? connection = null;
            scopeProvider?.ForEachScope((scope, _) =>
            {
                if (scope is ConnectionScope c)
                {
                    connection = c.ConnectionId;
                }
            }, (object?)null);
            textWriter.Write(" [pid ");
            textWriter.Write(ProcessId);
            textWriter.Write(" tid ");
            textWriter.Write(Environment.CurrentManagedThreadId);
            textWriter.Write(" conn ");
            textWriter.Write(connection is { } id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-");
            textWriter.Write(']');
        }
        textWriter.Write(' ');
        textWriter.Write(message);
        if (logEntry.Exception is { } exception)
        {
            // Exceptions are logged where they are unexpected; verbose shows the stack, otherwise one line.
            textWriter.Write(": ");
            textWriter.Write(settings.Verbose ? exception.ToString() : $"{exception.GetType().Name}: {exception.Message}");
        }
        textWriter.WriteLine();
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "    ",
    };
}
