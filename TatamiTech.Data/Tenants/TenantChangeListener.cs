using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.Data.Tenants;

/// <summary>
/// Holds one connection that LISTENs on <see cref="DirectoryChannel.Name"/> and passes each announced
/// academy to <see cref="TenantDirectoryChanges"/>: every replica drops a suspended, resumed, created or
/// erased academy from its cache within moments of the commit. When the connection is lost, or goes silent
/// (<see cref="DirectoryHeartbeat"/>), it reconnects with backoff and, since announcements during the gap are
/// lost, has every cache cleared.
/// </summary>
internal sealed partial class TenantChangeListener(
    NpgsqlDataSource dataSource,
    TenantDirectoryChanges changes,
    IOptions<TenantChangeListenerOptions> options,
    ILogger<TenantChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        var firstConnection = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                var heartbeat = new DirectoryHeartbeat(connection, options.Value);
                connection.Notification += (_, e) =>
                {
                    heartbeat.Delivered();
                    if (e.Channel == DirectoryChannel.Name)
                    {
                        changes.Publish(e.Payload);
                    }
                };

                foreach (var channel in new[] { heartbeat.Channel, DirectoryChannel.Name })
                {
                    await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (!firstConnection)
                {
                    LogReconnected(logger);
                }

                // Whatever changed before this LISTEN took effect was announced to nobody: on the first
                // connection too, since the directory may have been read before it.
                changes.Publish(null);

                firstConnection = false;
                backoff = TimeSpan.FromSeconds(1);
                try
                {
                    await heartbeat.WaitWhileAliveAsync(stoppingToken);
                }
                finally
                {
                    await UnlistenAsync(connection);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                // Until it listens again, the caches' time bounds are what limits staleness.
                firstConnection = false;
                LogLost(logger, ex, backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxBackoff.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Academy change notifications lost; listening again in {Seconds} s")]
    private static partial void LogLost(ILogger logger, Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for academy changes again; cached academies cleared")]
    private static partial void LogReconnected(ILogger logger);

    /// <summary>
    /// Pooled sessions are not reset when returned (see AddTatamiData): a session that is still open goes
    /// back without its LISTEN, or notifications would pile up for a request that never reads them. A session that
    /// went silent unnoticed (the service stops between heartbeats) gets no longer than the heartbeat's own bound
    /// to answer: Npgsql then breaks it rather than return it to the pool.
    /// </summary>
    private async Task UnlistenAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection)
            {
                CommandTimeout = (int)Math.Ceiling(options.Value.DeadAfter.TotalSeconds),
            };
            await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            // A broken session is not returned to the pool at all.
        }
    }
}
