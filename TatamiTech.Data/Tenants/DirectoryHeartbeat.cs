using System.Diagnostics;
using Npgsql;
using TatamiTech.Names;

namespace TatamiTech.Data.Tenants;

/// <summary>
/// Keeps proving that a listening connection still delivers: every <see cref="TenantChangeListenerOptions.HeartbeatInterval"/>
/// it sends a notification on a channel of its own over that same connection, and the connection counts as dead once
/// nothing has arrived on it for <see cref="TenantChangeListenerOptions.DeadAfter"/>. Over a connection that a load
/// balancer dropped in silence, the NOTIFY gets no answer and its echo never comes: without this, the session would
/// wait for announcements forever and the caches would go stale with no error anywhere.
/// </summary>
internal sealed class DirectoryHeartbeat(NpgsqlConnection connection, TenantChangeListenerOptions options)
{
    private long _lastDelivery = Stopwatch.GetTimestamp();

    /// <summary>The heartbeat's channel: a name no other listener uses, so only this connection's own echo counts.</summary>
    public string Channel { get; } = DirectoryChannel.HeartbeatChannelPrefix + Guid.NewGuid().ToString("N");

    /// <summary>Anything the connection delivered, an announcement or the echo, proves it alive.</summary>
    public void Delivered() => Volatile.Write(ref _lastDelivery, Stopwatch.GetTimestamp());

    /// <summary>Waits for notifications (raised by the connection) until it is stopped or the connection is dead.</summary>
    /// <exception cref="TimeoutException">Nothing arrived for <see cref="TenantChangeListenerOptions.DeadAfter"/>.</exception>
    public async Task WaitWhileAliveAsync(CancellationToken stoppingToken)
    {
        var lastBeat = Stopwatch.GetTimestamp();
        while (true)
        {
            stoppingToken.ThrowIfCancellationRequested();
            var left = options.DeadAfter - Stopwatch.GetElapsedTime(Volatile.Read(ref _lastDelivery));
            if (left <= TimeSpan.Zero)
            {
                throw Dead(null);
            }

            var untilBeat = options.HeartbeatInterval - Stopwatch.GetElapsedTime(lastBeat);
            if (untilBeat <= TimeSpan.Zero)
            {
                await BeatAsync(left, stoppingToken);
                lastBeat = Stopwatch.GetTimestamp();
                continue;
            }

            var wait = untilBeat < left ? untilBeat : left;
            await connection.WaitAsync((int)Math.Ceiling(wait.TotalMilliseconds), stoppingToken);
        }
    }

    /// <summary>
    /// The NOTIFY itself gets no answer over a silent connection: it is given what is left of the bound, after which
    /// Npgsql asks the server to cancel it and, with no answer to that either, breaks the connection.
    /// </summary>
    private async Task BeatAsync(TimeSpan left, CancellationToken stoppingToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        bound.CancelAfter(left);
        try
        {
            await using var notify = new NpgsqlCommand($"NOTIFY {Channel}", connection);
            await notify.ExecuteNonQueryAsync(bound.Token);
        }
        catch (OperationCanceledException ex) when (!stoppingToken.IsCancellationRequested)
        {
            throw Dead(ex);
        }
    }

    private TimeoutException Dead(Exception? inner) => new(
        $"Nothing came back on the listening connection for {options.DeadAfter.TotalSeconds} s, its heartbeat included",
        inner);
}
