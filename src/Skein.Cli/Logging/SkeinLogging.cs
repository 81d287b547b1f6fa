// Logging set-up for the skein program: Microsoft.Extensions.Logging's console logger with Skein's own
// one-line formatter, behind a small logger factory of our own. It does not decide what is logged (the
// libraries do, with [LoggerMessage]).
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
    /// <remarks>Not <c>LoggerFactory</c>: with its one level and one provider this program needs none of its
    /// filter rules, and they cost every worker process at start: each logger created looks the provider's
    /// alias up by reflection (a tenth of a native worker's start-up, docs/processes.md). The console provider,
    /// whose queue starts a thread, is made with the first line written: a worker that has logged nothing
    /// (a spare, a standby, a quiet worker) has no logging thread.</remarks>
    public static ILoggerFactory Create(bool verbose) => new ConsoleOnlyFactory(verbose);

    // One minimum level and one provider, the console, created when the first line is written.
    private sealed class ConsoleOnlyFactory(bool verbose) : ILoggerFactory
    {
        private readonly LogLevel _minimum = verbose ? LogLevel.Debug : LogLevel.Information;
        private readonly LoggerExternalScopeProvider _scopes = new();
        private readonly Lock _gate = new();
        private ConsoleLoggerProvider? _console;
        private bool _disposed;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void AddProvider(ILoggerProvider provider)
            => throw new NotSupportedException("skein logs to the console only.");

        // Disposing the console provider writes the lines still queued (the last ones before a fast exit).
        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _console?.Dispose();
            }
        }

        public bool IsEnabled(LogLevel level) => level >= _minimum && level != LogLevel.None;

        public ILogger? ConsoleLogger(string categoryName)
        {
            var console = Volatile.Read(ref _console);
            if (console is null)
            {
                lock (_gate)
                {
                    if (_disposed)
                    {
                        return null; // a line after the factory's end goes nowhere, as with LoggerFactory
                    }
                    console = _console ??= CreateConsole();
                }
            }
            return console.CreateLogger(categoryName); // the provider keeps one logger per category
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _scopes.Push(state);

        private ConsoleLoggerProvider CreateConsole()
        {
            var formatter = new SkeinConsoleFormatter(new Fixed<SkeinConsoleFormatterOptions>(new()
            {
                IncludeScopes = verbose,
                Verbose = verbose,
                UseUtcTimestamp = true,
            }));
            var console = new ConsoleLoggerProvider(
                new Fixed<ConsoleLoggerOptions>(new()
                {
                    FormatterName = SkeinConsoleFormatter.FormatterName,
                    // Every log line on stderr: stdout is for data (the access log with --access-log alone).
                    LogToStandardErrorThreshold = LogLevel.Trace,
                }), [formatter]);
            console.SetScopeProvider(_scopes);
            return console;
        }
    }

    // A category's logger: the level check is the factory's; the console logger behind it is made with the
    // category's first line.
    private sealed class Logger(ConsoleOnlyFactory factory, string categoryName) : ILogger
    {
        private ILogger? _console;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => factory.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => factory.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!factory.IsEnabled(logLevel))
            {
                return;
            }
            var console = _console ??= factory.ConsoleLogger(categoryName);
            console?.Log(logLevel, eventId, state, exception, formatter);
        }
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
