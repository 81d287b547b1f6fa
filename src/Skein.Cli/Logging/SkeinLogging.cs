// Logging set-up for the skein program: Microsoft.Extensions.Logging's console logger with Skein's own
// one-line formatter. It does not decide what is logged (the libraries do, with [LoggerMessage]).
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Skein.Cli.Logging;

/// <summary>Creates the program's logger factory.</summary>
public static class SkeinLogging
{
    /// <summary>Information and up, one line each on stderr; with <paramref name="verbose"/>, Debug and up
    /// with pid, thread id and connection id on every line.</summary>
    /// <remarks>Built from its parts rather than with <c>LoggerFactory.Create</c>: that one sets up a
    /// dependency-injection container and configuration binding, about 40% of the methods the program
    /// compiles at start-up — and the process models start a process per worker or connection.</remarks>
    public static ILoggerFactory Create(bool verbose)
    {
        var formatter = new SkeinConsoleFormatter(new Fixed<SkeinConsoleFormatterOptions>(new()
        {
            IncludeScopes = verbose,
            Verbose = verbose,
            UseUtcTimestamp = true,
        }));
        var factory = new LoggerFactory([], new LoggerFilterOptions { MinLevel = verbose ? LogLevel.Debug : LogLevel.Information });
#pragma warning disable CA2000 // AddProvider hands the provider to the factory, which disposes it.
        // Added, not passed to the constructor: a factory disposes only the providers added to it, and disposing
        // the console provider is what writes the lines still queued (the last ones before a fast exit).
        factory.AddProvider(new ConsoleLoggerProvider(
            new Fixed<ConsoleLoggerOptions>(new()
            {
                FormatterName = SkeinConsoleFormatter.FormatterName,
                // Every log line on stderr: stdout is for data (the access log with --access-log alone).
                LogToStandardErrorThreshold = LogLevel.Trace,
            }), [formatter]));
#pragma warning restore CA2000
        return factory;
    }

    // Options that never change (no configuration reload here).
    // The annotation IOptionsMonitor's type parameter carries (trim analysis, native skein).
    private sealed class Fixed<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
