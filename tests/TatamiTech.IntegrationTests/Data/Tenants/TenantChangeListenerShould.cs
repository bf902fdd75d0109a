using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using TatamiTech.Data.Tenants;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Data.Tenants;

/// <summary>
/// The change listener behind a proxy that goes silent, as a load balancer that drops an idle connection without a
/// word to either end: its heartbeat stops coming back, so it listens again on a new connection, has every cache
/// cleared, and hears the platform's next announcement. Without the heartbeat it would wait on the dead connection
/// forever and hear nothing again.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TenantChangeListenerShould(StackFixture stack)
{
    private static readonly TimeSpan s_announced = TimeSpan.FromSeconds(10);

    private static readonly TenantChangeListenerOptions s_quickHeartbeat = new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        DeadAfter = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public async Task ListenAgainAfterItsConnectionGoesSilentAndHearTheNextChange()
    {
        var session = $"silent-drop-{Guid.NewGuid():N}"[..24];
        var server = new NpgsqlConnectionStringBuilder(stack.RuntimeConnectionString);
        await using var proxy = new SilenceableProxy(server.Host!, server.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(stack.RuntimeConnectionString)
        {
            Host = "127.0.0.1",
            Port = proxy.Port,
            ApplicationName = session,
        };
        await using var dataSource = NpgsqlDataSource.Create(throughProxy.ConnectionString);
        var changes = new TenantDirectoryChanges();
        var heard = Channel.CreateUnbounded<string?>();
        changes.Changed += slug => heard.Writer.TryWrite(slug);
        using var listener = new TenantChangeListener(
            dataSource, changes, Options.Create(s_quickHeartbeat), NullLogger<TenantChangeListener>.Instance);

        await listener.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilListeningAsync(session);
            var before = await CreateAcademyAsync();
            await HearAsync(heard, before, s_announced);

            Assert.Equal(1, proxy.SilenceOpenConnections());
            // The bound: the dead time, Npgsql's wait for an answer to its cancel request, the first backoff, slack.
            await HearAsync(heard, null, s_quickHeartbeat.DeadAfter + TimeSpan.FromSeconds(10));

            var after = await CreateAcademyAsync();
            await HearAsync(heard, after, s_announced);
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
            await EndSessionsAsync(session);
        }
    }

    /// <summary>Reads what the listener published until <paramref name="expected"/>; fails past <paramref name="within"/>.</summary>
    private static async Task HearAsync(Channel<string?> heard, string? expected, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var seen = new List<string?>();
        try
        {
            while (true)
            {
                var slug = await heard.Reader.ReadAsync(timeout.Token);
                if (slug == expected)
                {
                    return;
                }

                seen.Add(slug);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail(
                $"The listener did not publish {expected ?? "the cache clear (null)"} within {within.TotalSeconds} s; " +
                $"it published [{string.Join(", ", seen.Select(s => s ?? "null"))}].");
        }
    }

    private async Task<string> CreateAcademyAsync()
    {
        var slug = $"hb{Guid.NewGuid():N}"[..14];
        using var created = await stack.OperatorAsync(
            HttpMethod.Post, "/academies", new { slug, name = "Heartbeat Dojo", timeZone = "UTC" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return slug;
    }

    /// <summary>Until the session has run its LISTEN on the directory's channel (the last statement before it waits).</summary>
    private async Task WaitUntilListeningAsync(string session)
    {
        var clock = Stopwatch.StartNew();
        while (await CountSessionsAsync(session, $"AND query = 'LISTEN {DirectoryChannel.Name}'") == 0)
        {
            Assert.True(clock.Elapsed < s_announced, "The listener did not start listening.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The silenced session is still open on the server (the proxy closed nothing): it is ended here, and waited
    /// for, so that tests counting the stack's listening sessions do not count it.
    /// </summary>
    private async Task EndSessionsAsync(string session)
    {
        var clock = Stopwatch.StartNew();
        // In the aggregate's filter, so it runs only on the rows the WHERE kept.
        while (await CountSessionsAsync(session, "", "count(*) FILTER (WHERE pg_terminate_backend(pid))") > 0)
        {
            Assert.True(clock.Elapsed < s_announced, "The listener's sessions did not end.");
            await Task.Delay(50);
        }
    }

    private async Task<long> CountSessionsAsync(string session, string condition, string count = "count(*)")
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT {count} FROM pg_stat_activity WHERE application_name = $1 {condition}", connection)
        {
            Parameters = { new() { Value = session } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
