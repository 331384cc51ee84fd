using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// Records every error-level log line the server writes, so a test fails on one it did not expect (as grpc-dotnet's
/// <c>VerifyNoErrorsScope</c>): a test that provokes an error declares it with <see cref="Expect"/>.
/// </summary>
internal sealed class ErrorLogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentBag<Func<string, bool>> _expected = [];

    /// <summary>Error lines whose text (category, message, exception) matches <paramref name="match"/> are expected.</summary>
    public void Expect(Func<string, bool> match) => _expected.Add(match);

    /// <summary>The error lines no expectation covers.</summary>
    public IReadOnlyList<string> Unexpected => _lines.Where(line => !_expected.Any(match => match(line))).ToList();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(ErrorLogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._lines.Enqueue($"{category}[{eventId.Id}]: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
            }
        }
    }
}
