using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>A log record as the OTLP exporter would see it: level, category, message and attributes (scopes included).</summary>
public sealed record CapturedLog(LogLevel Level, string Category, string Message, IReadOnlyDictionary<string, string?> Attributes)
{
    /// <summary>The exception logged with the record, as text (type, message, inner exceptions, stack).</summary>
    public string? Exception { get; init; }
}

/// <summary>Copies each record when it is emitted: records are pooled and must not be kept.</summary>
public sealed class LogCaptureProcessor : BaseProcessor<LogRecord>
{
    public ConcurrentQueue<CapturedLog> Records { get; } = new();

    public override void OnEnd(LogRecord data)
    {
        var attributes = new Dictionary<string, string?>();
        foreach (var (key, value) in data.Attributes ?? [])
        {
            attributes[key] = value?.ToString();
        }

        data.ForEachScope(static (scope, state) =>
        {
            foreach (var (key, value) in scope)
            {
                state[key] = value?.ToString();
            }
        }, attributes);

        Records.Enqueue(new CapturedLog(
            data.LogLevel, data.CategoryName ?? string.Empty, data.FormattedMessage ?? string.Empty, attributes)
        {
            Exception = data.Exception?.ToString(),
        });
    }
}
