using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TatamiTech.Tenancy.AspNetCore.Resolution;

/// <summary>
/// Keeps <see cref="TenantCatalog"/> equal to the directory: reads it whole at start, reads again each academy
/// whose change is announced (<see cref="TenantDirectoryChanges"/>), and reads it whole again after a gap in
/// the announcements, when more were announced than it could queue, and every
/// <see cref="TenancyOptions.DirectoryReloadInterval"/>. One loop applies everything in the order it was
/// announced, so a slow read never puts an older state back over a newer one.
/// </summary>
internal sealed partial class TenantCatalogSync(
    TenantCatalog catalog,
    ITenantDirectory directory,
    TenantDirectoryChanges changes,
    IOptionsMonitor<TenancyOptions> options,
    TimeProvider time,
    ILogger<TenantCatalogSync> logger) : BackgroundService
{
    private const int MaxQueued = 10_000;
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(30);

    private readonly Channel<string?> _announced = Channel.CreateBounded<string?>(
        new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private volatile bool _reloadNeeded = true;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        changes.Changed += OnChanged;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        changes.Changed -= OnChanged;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        var reloadedAt = time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_reloadNeeded || time.GetElapsedTime(reloadedAt) >= options.CurrentValue.DirectoryReloadInterval)
                {
                    _reloadNeeded = false;
                    var first = !catalog.IsLoaded;
                    var tenants = await directory.ListAsync(stoppingToken);
                    if (first)
                    {
                        LogLoaded(logger, tenants.Count);
                    }
                    else
                    {
                        LogReloaded(logger, tenants.Count);
                    }

                    // After the record: a first read completes Loaded, and what waits on it may begin right away.
                    catalog.ReplaceAll(tenants);
                    reloadedAt = time.GetTimestamp();
                    backoff = TimeSpan.FromSeconds(1);
                }

                if (await NextAnnouncedAsync(reloadedAt, stoppingToken) is { } slug)
                {
                    catalog.Apply(slug, await directory.FindBySlugAsync(slug, stoppingToken));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database is out of reach: what is held keeps serving, and the whole directory is read
                // again once it answers, since announcements may have been missed meanwhile.
                _reloadNeeded = true;
                LogReadFailed(logger, ex, backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxBackoff.Ticks));
            }
        }
    }

    /// <returns>The next announced slug, or null when the directory is to be read whole (or on the periodic read).</returns>
    private async Task<string?> NextAnnouncedAsync(long reloadedAt, CancellationToken stoppingToken)
    {
        if (_announced.Reader.TryRead(out var ready))
        {
            return ready;
        }

        var untilReload = options.CurrentValue.DirectoryReloadInterval - time.GetElapsedTime(reloadedAt);
        if (untilReload <= TimeSpan.Zero)
        {
            return null;
        }

        // The periodic read is timed by the injected clock, as the elapsed time above is: CancelAfter would
        // time it by the system's, which a clock under test does not move.
        using var reload = new CancellationTokenSource(untilReload, time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, reload.Token);
        try
        {
            return await _announced.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private void OnChanged(string? slug)
    {
        // Null (anything may have changed) or a queue that is full: one whole read covers it all.
        if (slug is null || !_announced.Writer.TryWrite(slug))
        {
            _reloadNeeded = true;
            _announced.Writer.TryWrite(null);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Academy directory read: {Count} academies")]
    private static partial void LogLoaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Academy directory read again: {Count} academies")]
    private static partial void LogReloaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Academy directory could not be read; trying again in {Seconds} s")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, double seconds);
}
