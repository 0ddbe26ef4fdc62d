using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// The console server's errors (a failed render, a circuit's exception), kept so that a failed browser step can say what
/// the server saw: a page in the browser shows only "an error occurred".
/// </summary>
public sealed class ConsoleServerErrors : ILoggerProvider
{
    private readonly ConcurrentQueue<string> entries = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    /// <summary>The errors logged since <paramref name="mark"/> (a count from <see cref="Count"/>).</summary>
    public IReadOnlyList<string> Since(int mark) => entries.Skip(mark).ToList();

    public int Count => entries.Count;

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : "\n" + exception)}");
            }
        }
    }
}
