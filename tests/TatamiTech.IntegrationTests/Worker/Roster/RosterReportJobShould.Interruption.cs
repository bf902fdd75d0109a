using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.IntegrationTests.AppHost.Citus;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Worker.Roster;

namespace TatamiTech.IntegrationTests.Worker.Roster;

/// <summary>A run whose connection is lost mid-transaction: nothing of it remains, and the next run completes it.</summary>
public partial class RosterReportJobShould
{
    [SkippableFact]
    public async Task CompleteEveryAcademyOnceAfterARunInterruptedMidTransaction()
    {
        stack.SkipUnlessStarted();
        var tenants = new List<TestTenant>();
        for (var i = 0; i < 4; i++)
        {
            tenants.Add(await TenantWithStudentsAsync($"cut{i}", "white", "green"));
        }

        // The second academy's statement is held open after its insert, and the server kills its session
        // there: a real connection lost mid-transaction, with the report written but not committed.
        var cut = tenants[1];
        await using var kill = await KillAfterInsert.InstallAsync(stack.OwnerConnectionString, cut.Id);
        var first = await NewHost(tenants.Select(t => t.Info)).Services.GetRequiredService<RosterReportJob>()
            .RunAsync(refresh: false, CancellationToken.None);
        await kill.Completion;

        Assert.True(kill.Terminated, "The backend was not terminated: the test did not interrupt anything.");
        Assert.True(kill.InsertedBeforeKill, "The session had written nothing when it was killed.");
        Assert.Equal(0, kill.RowsVisibleBeforeKill);

        // The cut academy either failed (the next run redoes it) or was redone by a retry in a new
        // transaction; either way nothing of the lost transaction remains, and the others went on.
        // On Citus the session killed is the worker node's; the coordinator's transaction, which holds the academy's
        // claim, ends a moment later, so the retry may find the claim still held: skipped, and redone by the next run.
        var cutOutcome = OutcomeOf(first, cut);
        RosterOutcome[] expected = stack is CitusStackFixture
            ? [RosterOutcome.Failed, RosterOutcome.Written, RosterOutcome.ClaimedElsewhere]
            : [RosterOutcome.Failed, RosterOutcome.Written];
        Assert.Contains(cutOutcome, expected);
        var cutRows = cutOutcome == RosterOutcome.Written ? 1 : 0;
        Assert.All(tenants.Where(t => t != cut), t => Assert.Equal(RosterOutcome.Written, OutcomeOf(first, t)));
        Assert.Equal(
            tenants.Select(t => t == cut ? cutRows : 1L),
            await Task.WhenAll(tenants.Select(CountReportRowsAsync)));

        var next = await NewHost(tenants.Select(t => t.Info)).Services.GetRequiredService<RosterReportJob>()
            .RunAsync(refresh: false, CancellationToken.None);

        Assert.Equal(cutRows == 0 ? RosterOutcome.Written : RosterOutcome.AlreadyDone, OutcomeOf(next, cut));
        Assert.All(tenants.Where(t => t != cut), t => Assert.Equal(RosterOutcome.AlreadyDone, OutcomeOf(next, t)));
        Assert.Equal(new long[] { 1, 1, 1, 1 }, await Task.WhenAll(tenants.Select(CountReportRowsAsync)));
    }

    /// <summary>
    /// Holds one academy's roster write open right after its row is inserted (a test-only trigger that sleeps,
    /// once), checks from the owner's connection that the session has written and that nothing is visible
    /// yet, then terminates it (pg_terminate_backend): a real connection lost mid-transaction, whatever
    /// client code sent the statement. The trigger is dropped on dispose; its collection runs one test at a time.
    /// </summary>
    private sealed class KillAfterInsert : IAsyncDisposable
    {
        private const string Name = "test_roster_hold";
        private readonly string _ownerConnectionString;

        private KillAfterInsert(string ownerConnectionString) => _ownerConnectionString = ownerConnectionString;

        public Task Completion { get; private set; } = Task.CompletedTask;

        public bool Terminated { get; private set; }

        public bool InsertedBeforeKill { get; private set; }

        public long RowsVisibleBeforeKill { get; private set; } = -1;

        public static async Task<KillAfterInsert> InstallAsync(string ownerConnectionString, Guid tenant)
        {
            var kill = new KillAfterInsert(ownerConnectionString);
            // A sequence is not transactional: the first insert sleeps, a retry of it does not. The function runs
            // as its owner, since the runtime role may not use the sequence.
            await ExecuteAsOwnerAsync(ownerConnectionString, $"""
                CREATE SEQUENCE {Name};
                {await OnEveryWorkerAsync(ownerConnectionString, $"CREATE SEQUENCE {Name}")}
                CREATE FUNCTION {Name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
                BEGIN
                    IF nextval('{Name}') = 1 THEN PERFORM pg_sleep(60); END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER {Name} AFTER INSERT ON roster_reports FOR EACH ROW
                    WHEN (NEW.tenant_id = '{tenant}') EXECUTE FUNCTION {Name}();
                """);
            kill.Completion = kill.KillWhenAsleepAsync(tenant);
            return kill;
        }

        private async Task KillWhenAsleepAsync(Guid tenant)
        {
            await using var owner = new NpgsqlConnection(_ownerConnectionString);
            await owner.OpenAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var sessions = await SessionsOf.DatabaseAsync(owner);
            (long Pid, bool Wrote)? held = null;
            while (held is null)
            {
                await Task.Delay(20, timeout.Token);
                // A transaction id is assigned at a session's first write: the insert is the statement's only one.
                await using var state = new NpgsqlCommand(
                    $"SELECT {sessions.Pid}::bigint, backend_xid IS NOT NULL FROM {sessions.View} " +
                    "WHERE wait_event = 'PgSleep' AND datname = current_database()",
                    owner);
                await using var reader = await state.ExecuteReaderAsync(timeout.Token);
                held = await reader.ReadAsync(timeout.Token) ? (reader.GetInt64(0), reader.GetBoolean(1)) : null;
            }

            InsertedBeforeKill = held.Value.Wrote;
            await using (var count = new NpgsqlCommand("SELECT count(*) FROM roster_reports WHERE tenant_id = $1", owner)
            {
                Parameters = { new() { Value = tenant } },
            })
            {
                RowsVisibleBeforeKill = (long)(await count.ExecuteScalarAsync(timeout.Token))!;
            }

            await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend($1::{sessions.PidType})", owner)
            {
                Parameters = { new() { Value = held.Value.Pid } },
            };
            Terminated = (bool)(await terminate.ExecuteScalarAsync(timeout.Token))!;
        }

        public async ValueTask DisposeAsync()
        {
            await Completion.ContinueWith(_ => { }, TaskScheduler.Default);
            await ExecuteAsOwnerAsync(
                _ownerConnectionString,
                $"DROP TRIGGER IF EXISTS {Name} ON roster_reports; DROP FUNCTION IF EXISTS {Name}(); DROP SEQUENCE IF EXISTS {Name};" +
                await OnEveryWorkerAsync(_ownerConnectionString, $"DROP SEQUENCE IF EXISTS {Name}"));
        }

        /// <summary>On Citus, a statement that runs the SQL on each worker (where the trigger's function runs); else none.</summary>
        private static async Task<string> OnEveryWorkerAsync(string ownerConnectionString, string sql)
        {
            await using var owner = new NpgsqlConnection(ownerConnectionString);
            await owner.OpenAsync();
            return await SessionsOf.IsCitusAsync(owner) ? $"SELECT run_command_on_workers('{sql}');" : string.Empty;
        }
    }
}
