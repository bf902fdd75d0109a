using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;

namespace TatamiTech.IntegrationTests.Infrastructure.Otlp;

/// <summary>
/// An OTLP/HTTP receiver (protobuf, the exporter's <c>http/protobuf</c>) in the test process, to which the stack's
/// services export their traces, logs and metrics as they would to the dashboard or a production collector: what
/// tests read here went through the services' real exporters, processors and resource attributes. The messages
/// are decoded with classes generated from the OTLP specification's own .proto files (proto/, Apache-2.0).
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    /// <summary>A bound on what is kept of each signal, the oldest dropped first: the suite exports a lot.</summary>
    private const int MaxKept = 200_000;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();
    private readonly ConcurrentQueue<ExportedLog> _logs = new();
    private readonly ConcurrentQueue<ExportedMetricPoint> _metricPoints = new();

    private OtlpCollector(WebApplication app) => _app = app;

    /// <summary>The base address exporters are given (OTEL_EXPORTER_OTLP_ENDPOINT); each signal posts to /v1/….</summary>
    public Uri Endpoint => new(_app.Urls.Single());

    public IEnumerable<ExportedSpan> Spans => _spans;

    public IEnumerable<ExportedLog> Logs => _logs;

    public IEnumerable<ExportedMetricPoint> MetricPoints => _metricPoints;

    public static async Task<OtlpCollector> StartAsync()
    {
        // Empty: none of the appsettings files in the test's output (the services' own, host filtering included).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var collector = new OtlpCollector(app);
        app.MapPost("/v1/traces", (HttpRequest request) => collector.ReceiveAsync(request, ExportTraceServiceRequest.Parser, collector.Add));
        app.MapPost("/v1/logs", (HttpRequest request) => collector.ReceiveAsync(request, ExportLogsServiceRequest.Parser, collector.Add));
        app.MapPost("/v1/metrics", (HttpRequest request) => collector.ReceiveAsync(request, ExportMetricsServiceRequest.Parser, collector.Add));
        await app.StartAsync();
        return collector;
    }

    /// <summary>Waits until <paramref name="found"/> holds, as exporters send in batches; false at the deadline.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> found, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (!found())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> ReceiveAsync<T>(HttpRequest request, MessageParser<T> parser, Action<T> add) where T : IMessage<T>
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        add(parser.ParseFrom(body.ToArray()));
        // An empty Export…ServiceResponse: everything accepted.
        return Results.Bytes([], "application/x-protobuf");
    }

    private void Add(ExportTraceServiceRequest request)
    {
        foreach (var resource in request.ResourceSpans)
        {
            var service = ServiceName(resource.Resource.Attributes);
            foreach (var span in resource.ScopeSpans.SelectMany(scope => scope.Spans))
            {
                Keep(_spans, new ExportedSpan(
                    service, Hex(span.TraceId), span.Name, (int)span.Kind, Flatten(span.Attributes), (int)(span.Status?.Code ?? 0)));
            }
        }
    }

    private void Add(ExportLogsServiceRequest request)
    {
        foreach (var resource in request.ResourceLogs)
        {
            var service = ServiceName(resource.Resource.Attributes);
            foreach (var record in resource.ScopeLogs.SelectMany(scope => scope.LogRecords))
            {
                Keep(_logs, new ExportedLog(service, Hex(record.TraceId), (int)record.SeverityNumber, Text(record.Body), Flatten(record.Attributes)));
            }
        }
    }

    private void Add(ExportMetricsServiceRequest request)
    {
        foreach (var resource in request.ResourceMetrics)
        {
            var service = ServiceName(resource.Resource.Attributes);
            foreach (var metric in resource.ScopeMetrics.SelectMany(scope => scope.Metrics))
            {
                foreach (var point in metric.Sum?.DataPoints ?? [])
                {
                    Keep(_metricPoints, new ExportedMetricPoint(service, metric.Name, Flatten(point.Attributes), point.AsInt + point.AsDouble));
                }

                foreach (var point in metric.Histogram?.DataPoints ?? [])
                {
                    Keep(_metricPoints, new ExportedMetricPoint(service, metric.Name, Flatten(point.Attributes), point.Count));
                }
            }
        }
    }

    private static void Keep<T>(ConcurrentQueue<T> queue, T item)
    {
        queue.Enqueue(item);
        while (queue.Count > MaxKept && queue.TryDequeue(out _))
        {
        }
    }

    private static string Hex(ByteString id) => Convert.ToHexStringLower(id.Span);

    private static string ServiceName(IEnumerable<KeyValue> resource) =>
        resource.FirstOrDefault(a => a.Key == "service.name") is { } name ? Text(name.Value) : "";

    private static IReadOnlyDictionary<string, string> Flatten(IEnumerable<KeyValue> attributes)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            flat[attribute.Key] = Text(attribute.Value);
        }

        return flat;
    }

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}

/// <param name="Kind">OTLP's SpanKind: 2 server, 3 client.</param>
/// <param name="StatusCode">OTLP's status code: 0 unset, 1 ok, 2 error.</param>
public sealed record ExportedSpan(
    string Service, string TraceId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes, int StatusCode)
{
    public string? this[string key] => Attributes.GetValueOrDefault(key);
}

/// <param name="Severity">OTLP's severity number: 13-16 warning, 17-20 error.</param>
public sealed record ExportedLog(string Service, string TraceId, int Severity, string Body, IReadOnlyDictionary<string, string> Attributes)
{
    public string? this[string key] => Attributes.GetValueOrDefault(key);
}

/// <param name="Value">A sum's value (cumulative, as the exporter sends it) or a histogram's count.</param>
public sealed record ExportedMetricPoint(string Service, string Metric, IReadOnlyDictionary<string, string> Attributes, double Value)
{
    public string? this[string key] => Attributes.GetValueOrDefault(key);
}
