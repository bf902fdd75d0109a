using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Worker.Roster;

namespace TatamiTech.IntegrationTests.Worker.Roster;

/// <summary>Roster runs side by side: within one run up to its bound, and two workers at once.</summary>
public partial class RosterReportJobShould
{
    [SkippableFact]
    public async Task KeepNoMoreAcademiesInFlightThanItsBound()
    {
        stack.SkipUnlessStarted();
        var tenants = new List<TestTenant>();
        for (var i = 0; i < 6; i++)
        {
            tenants.Add(await TenantWithStudentsAsync($"flight{i}", "white"));
        }

        // Each academy's insert is held for a moment, so the statements that overlap are there to be counted.
        await using var hold = await SlowInserts.InstallAsync(stack.OwnerConnectionString, [.. tenants.Select(t => t.Id)]);
        var run = NewHost(tenants.Select(t => t.Info), maxInFlight: 2).Services.GetRequiredService<RosterReportJob>()
            .RunAsync(refresh: false, CancellationToken.None);
        var mostAtOnce = await hold.CountHeldUntilAsync(run);

        Assert.All(tenants, t => Assert.Equal(RosterOutcome.Written, OutcomeOf(run.Result, t)));
        // Two at once: academies did run side by side, and never more than the bound.
        Assert.Equal(2, mostAtOnce);
    }

    [SkippableFact]
    public async Task WriteEachReportOnceWithTwoWorkersRunningTogether()
    {
        stack.SkipUnlessStarted();
        var tenants = new List<TestTenant>();
        for (var i = 0; i < 6; i++)
        {
            tenants.Add(await TenantWithStudentsAsync($"pair{i}", "white", "yellow"));
        }

        var results = await Task.WhenAll(
            Task.Run(() => NewJob().RunAsync(refresh: false, CancellationToken.None)),
            Task.Run(() => NewJob().RunAsync(refresh: false, CancellationToken.None)));

        foreach (var tenant in tenants)
        {
            var outcomes = results.Select(r => OutcomeOf(r, tenant)).ToList();
            Assert.Equal(1, outcomes.Count(o => o == RosterOutcome.Written));
            Assert.All(
                outcomes.Where(o => o != RosterOutcome.Written),
                o => Assert.True(o is RosterOutcome.AlreadyDone or RosterOutcome.ClaimedElsewhere, o.ToString()));
            Assert.Equal(1, await CountReportRowsAsync(tenant));
            Assert.Equal(2, (await ReportOfAsync(tenant)).TotalStudents);
        }
    }

    /// <summary>
    /// Holds each roster insert of the given academies for 300 ms (a test-only trigger), and counts from the
    /// owner's connection how many sessions are held at once. Dropped on dispose.
    /// </summary>
    private sealed class SlowInserts : IAsyncDisposable
    {
        private const string Name = "test_roster_slow";
        private readonly string _ownerConnectionString;

        private SlowInserts(string ownerConnectionString) => _ownerConnectionString = ownerConnectionString;

        public static async Task<SlowInserts> InstallAsync(string ownerConnectionString, Guid[] tenants)
        {
            var hold = new SlowInserts(ownerConnectionString);
            await ExecuteAsOwnerAsync(ownerConnectionString, $"""
                CREATE FUNCTION {Name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
                BEGIN
                    PERFORM pg_sleep(0.3);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER {Name} AFTER INSERT ON roster_reports FOR EACH ROW
                    WHEN (NEW.tenant_id IN ({string.Join(", ", tenants.Select(t => $"'{t}'"))})) EXECUTE FUNCTION {Name}();
                """);
            return hold;
        }

        /// <returns>The most sessions held at the same time while <paramref name="work"/> ran.</returns>
        public async Task<long> CountHeldUntilAsync(Task work)
        {
            await using var owner = new NpgsqlConnection(_ownerConnectionString);
            await owner.OpenAsync();
            var sessions = await SessionsOf.DatabaseAsync(owner);
            long most = 0;
            while (!work.IsCompleted)
            {
                await using var count = new NpgsqlCommand(
                    $"SELECT count(*) FROM {sessions.View} WHERE wait_event = 'PgSleep' AND datname = current_database()", owner);
                most = Math.Max(most, (long)(await count.ExecuteScalarAsync())!);
                await Task.Delay(20);
            }

            await work;
            return most;
        }

        public ValueTask DisposeAsync() => new(ExecuteAsOwnerAsync(
            _ownerConnectionString, $"DROP TRIGGER IF EXISTS {Name} ON roster_reports; DROP FUNCTION IF EXISTS {Name}();"));
    }
}
