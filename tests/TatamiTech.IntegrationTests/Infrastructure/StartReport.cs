using System.Collections.Concurrent;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// What a stack that did not start was doing: each resource's state, exit code and health, and the last lines
/// of every resource that stopped or never became healthy. Aspire's own error reads only "failed to start", and a
/// CI machine keeps nothing else to look at afterwards.
/// </summary>
internal sealed class StartReport : IAsyncDisposable
{
    private const int LinesPerResource = 15;

    private static readonly TimeSpan s_logTimeout = TimeSpan.FromSeconds(5);

    private readonly DistributedApplication _app;
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;

    /// <summary>Starts recording every resource's latest state; call it before the app starts.</summary>
    public StartReport(DistributedApplication app)
    {
        _app = app;
        _watching = RecordAsync(_stop.Token);
    }

    /// <summary>The exception to throw instead of <paramref name="failure"/>: its message says why.</summary>
    public async Task<Exception> DidNotStartAsync(Exception failure)
    {
        var report = new StringBuilder($"The stack did not start ({failure.Message}).").AppendLine();
        foreach (var resource in _latest.Values.OrderBy(e => e.ResourceId, StringComparer.Ordinal))
        {
            var snapshot = resource.Snapshot;
            report.AppendLine(
                $"- {resource.ResourceId} ({snapshot.ResourceType}): {snapshot.State?.Text ?? "no state"}, " +
                $"exit code {snapshot.ExitCode?.ToString() ?? "none"}, health {snapshot.HealthStatus?.ToString() ?? "none"}");
        }

        foreach (var resource in _latest.Values.Where(Unwell).OrderBy(e => e.ResourceId, StringComparer.Ordinal))
        {
            report.AppendLine($"Last lines of {resource.ResourceId}:");
            foreach (var line in await LastLinesAsync(resource.ResourceId))
            {
                report.Append("  ").AppendLine(line);
            }
        }

        return new InvalidOperationException(report.ToString(), failure);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
    }

    private async Task RecordAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var update in _app.ResourceNotifications.WatchAsync(ct))
            {
                _latest[update.ResourceId] = update;
            }
        }
        catch (OperationCanceledException)
        {
            // The start succeeded or its report was written.
        }
    }

    // A process or container that stopped, failed to start or has not become healthy, or the server of a database that
    // failed to start (a database's creation is logged by its server); parameters and connection strings have no log
    // of their own.
    private bool Unwell(ResourceEvent resource) =>
        resource.Resource is ProjectResource or ExecutableResource or ContainerResource
        && (resource.Snapshot.State?.Text != KnownResourceStates.Running
            || resource.Snapshot.HealthStatus is not (null or Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
            || _latest.Values.Any(child => child.Resource is IResourceWithParent { Parent: var parent } && parent == resource.Resource
                && child.Snapshot.State?.Text == KnownResourceStates.FailedToStart));

    private async Task<List<string>> LastLinesAsync(string resourceId)
    {
        var lines = new Queue<string>();
        using var timeout = new CancellationTokenSource(s_logTimeout);
        try
        {
            var logs = _app.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resourceId);
            await foreach (var batch in logs.WithCancellation(timeout.Token))
            {
                foreach (var line in batch)
                {
                    lines.Enqueue(line.Content);
                    if (lines.Count > LinesPerResource)
                    {
                        lines.Dequeue();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            lines.Enqueue("(the log did not end within the report's time)");
        }

        return [.. lines];
    }
}
