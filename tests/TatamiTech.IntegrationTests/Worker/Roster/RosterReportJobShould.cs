using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Data.Reports;
using TatamiTech.Data.Students;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;
using TatamiTech.Worker.Roster;

namespace TatamiTech.IntegrationTests.Worker.Roster;

/// <summary>The worker's roster job against the stack's database, hosted as the worker hosts it.</summary>
[Collection(StackCollection.Name)]
public sealed class RosterReportJobShould(StackFixture stack) : IDisposable
{
    private readonly List<IHost> _hosts = [];

    [Fact]
    public async Task ReportEachAcademyOnItsOwnRoster()
    {
        var gamma = await TenantWithStudentsAsync("gamma", "white", "white", "blue");
        var delta = await TenantWithStudentsAsync("delta", "black");

        var result = await NewJob().RunAsync(refresh: false, CancellationToken.None);

        Assert.Equal(RosterOutcome.Written, OutcomeOf(result, gamma));
        Assert.Equal(RosterOutcome.Written, OutcomeOf(result, delta));

        var gammaReport = await ReportOfAsync(gamma);
        Assert.Equal(3, gammaReport.TotalStudents);
        Assert.Equal(3, gammaReport.NewStudentsLast30Days);
        Assert.Equal(2, gammaReport.StudentsByRank["white"]);
        Assert.Equal(1, gammaReport.StudentsByRank["blue"]);
        Assert.Equal(0, gammaReport.StudentsByRank["black"]);
        Assert.Equal(BeltRanks.All.Order(), gammaReport.StudentsByRank.Keys.Order());

        var deltaReport = await ReportOfAsync(delta);
        Assert.Equal(1, deltaReport.TotalStudents);
        Assert.Equal(1, deltaReport.StudentsByRank["black"]);
        Assert.Equal(0, deltaReport.StudentsByRank["white"]);
    }

    [Fact]
    public async Task ReportTheOthersWhenOneAcademyFailsAndRetryItNextRun()
    {
        var broken = await TenantWithStudentsAsync("broken", "green");
        var healthy = await TenantWithStudentsAsync("healthy", "green", "green");
        await SetTimeZoneAsync(broken, "Mars/Olympus_Mons");
        var job = NewJob();

        var first = await job.RunAsync(refresh: false, CancellationToken.None);
        Assert.Equal(RosterOutcome.Failed, OutcomeOf(first, broken));
        Assert.Equal(RosterOutcome.Written, OutcomeOf(first, healthy));
        Assert.Equal(2, (await ReportOfAsync(healthy)).TotalStudents);
        Assert.Null(await FindReportAsync(broken));

        await SetTimeZoneAsync(broken, "UTC");
        var second = await job.RunAsync(refresh: false, CancellationToken.None);

        Assert.Equal(RosterOutcome.Written, OutcomeOf(second, broken));
        Assert.Equal(RosterOutcome.AlreadyDone, OutcomeOf(second, healthy));
        Assert.Equal(1, (await ReportOfAsync(broken)).TotalStudents);
    }

    [Fact]
    public async Task LeaveOneReportPerAcademyAndDayWhenRunTwice()
    {
        var tenant = await TenantWithStudentsAsync("twice", "orange");
        var job = NewJob();

        await job.RunAsync(refresh: false, CancellationToken.None);
        var again = await job.RunAsync(refresh: false, CancellationToken.None);
        var refreshed = await job.RunAsync(refresh: true, CancellationToken.None);

        Assert.Equal(RosterOutcome.AlreadyDone, OutcomeOf(again, tenant));
        Assert.Equal(RosterOutcome.Written, OutcomeOf(refreshed, tenant));
        Assert.Equal(1, await CountReportRowsAsync(tenant));
    }

    [Fact]
    public async Task KeepNoMoreAcademiesInFlightThanItsBound()
    {
        var tenants = new List<TestTenant>();
        for (var i = 0; i < 6; i++)
        {
            tenants.Add(await TenantWithStudentsAsync($"flight{i}", "white"));
        }

        // Each academy's insert is held for a moment, so the statements that overlap are there to be counted.
        await using var hold = await SlowInserts.InstallAsync(stack.OwnerConnectionString, [.. tenants.Select(t => t.Id)]);
        var run = NewHost(tenants, maxInFlight: 2).Services.GetRequiredService<RosterReportJob>()
            .RunAsync(refresh: false, CancellationToken.None);
        var mostAtOnce = await hold.CountHeldUntilAsync(run);

        Assert.All(tenants, t => Assert.Equal(RosterOutcome.Written, OutcomeOf(run.Result, t)));
        // Two at once: academies did run side by side, and never more than the bound.
        Assert.Equal(2, mostAtOnce);
    }

    [Fact]
    public async Task WriteEachReportOnceWithTwoWorkersRunningTogether()
    {
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

    [Fact]
    public async Task CompleteEveryAcademyOnceAfterARunInterruptedMidTransaction()
    {
        var tenants = new List<TestTenant>();
        for (var i = 0; i < 4; i++)
        {
            tenants.Add(await TenantWithStudentsAsync($"cut{i}", "white", "green"));
        }

        // The second academy's statement is held open after its insert, and the server kills its session
        // there: a real connection lost mid-transaction, with the report written but not committed.
        var cut = tenants[1];
        await using var kill = await KillAfterInsert.InstallAsync(stack.OwnerConnectionString, cut.Id);
        var first = await NewHost(tenants).Services.GetRequiredService<RosterReportJob>()
            .RunAsync(refresh: false, CancellationToken.None);
        await kill.Completion;

        Assert.True(kill.Terminated, "The backend was not terminated: the test did not interrupt anything.");
        Assert.True(kill.InsertedBeforeKill, "The session had written nothing when it was killed.");
        Assert.Equal(0, kill.RowsVisibleBeforeKill);

        // The cut academy either failed (the next run redoes it) or was redone by a retry in a new
        // transaction; either way nothing of the lost transaction remains, and the others went on.
        var cutOutcome = OutcomeOf(first, cut);
        Assert.Contains(cutOutcome, new[] { RosterOutcome.Failed, RosterOutcome.Written });
        var cutRows = cutOutcome == RosterOutcome.Written ? 1 : 0;
        Assert.All(tenants.Where(t => t != cut), t => Assert.Equal(RosterOutcome.Written, OutcomeOf(first, t)));
        Assert.Equal(
            tenants.Select(t => t == cut ? cutRows : 1L),
            await Task.WhenAll(tenants.Select(CountReportRowsAsync)));

        var next = await NewHost(tenants).Services.GetRequiredService<RosterReportJob>().RunAsync(refresh: false, CancellationToken.None);

        Assert.Equal(cutRows == 0 ? RosterOutcome.Written : RosterOutcome.AlreadyDone, OutcomeOf(next, cut));
        Assert.All(tenants.Where(t => t != cut), t => Assert.Equal(RosterOutcome.AlreadyDone, OutcomeOf(next, t)));
        Assert.Equal(new long[] { 1, 1, 1, 1 }, await Task.WhenAll(tenants.Select(CountReportRowsAsync)));
    }

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }
    }

    private RosterReportJob NewJob() => NewHost().Services.GetRequiredService<RosterReportJob>();

    /// <param name="only">Academies the job sees (default: the whole directory).</param>
    /// <param name="maxInFlight">Worker:Roster:MaxAcademiesInFlight (default: the option's own).</param>
    private IHost NewHost(IReadOnlyList<TestTenant>? only = null, int? maxInFlight = null)
    {
        var host = RuntimeHost.Build(stack, configure: builder =>
        {
            if (maxInFlight is { } bound)
            {
                builder.Configuration[$"{RosterReportOptions.SectionName}:{nameof(RosterReportOptions.MaxAcademiesInFlight)}"] =
                    bound.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            builder.AddRosterReports(schedule: false);
            if (only is not null)
            {
                builder.Services.AddSingleton<ITenantDirectory>(new OnlyTheseAcademies([.. only.Select(t => t.Info)]));
            }
        });
        _hosts.Add(host);
        return host;
    }

    private async Task<TestTenant> TenantWithStudentsAsync(string prefix, params string[] ranks)
    {
        var tenant = await TestTenant.CreateAsync(stack.OwnerConnectionString, prefix);
        await using var scope = TenantScope.Create(NewHost().Services, tenant.Info);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();
        foreach (var rank in ranks)
        {
            db.Students.Add(new Student
            {
                Id = Guid.CreateVersion7(),
                FirstName = "Roster",
                LastName = rank,
                Email = $"r{Guid.NewGuid():N}@example.com",
                BeltRank = rank,
            });
        }

        await db.SaveChangesAsync();
        return tenant;
    }

    private async Task<RosterReport?> FindReportAsync(TestTenant tenant)
    {
        await using var scope = TenantScope.Create(NewHost().Services, tenant.Info);
        return await scope.Services.GetRequiredService<TatamiDbContext>().RosterReports.AsNoTracking().SingleOrDefaultAsync();
    }

    private async Task<RosterReport> ReportOfAsync(TestTenant tenant) =>
        await FindReportAsync(tenant) ?? throw new InvalidOperationException($"No report for {tenant.Slug}.");

    private async Task<long> CountReportRowsAsync(TestTenant tenant)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM roster_reports WHERE tenant_id = $1", connection)
        {
            Parameters = { new() { Value = tenant.Id } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task SetTimeZoneAsync(TestTenant tenant, string zone)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE tenants SET time_zone = $1 WHERE id = $2", connection)
        {
            Parameters = { new() { Value = zone }, new() { Value = tenant.Id } },
        };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Test-only DDL (the triggers that hold an insert) as the database owner.</summary>
    private static async Task ExecuteAsOwnerAsync(string ownerConnectionString, string sql)
    {
        await using var owner = new NpgsqlConnection(ownerConnectionString);
        await owner.OpenAsync();
        await using var command = new NpgsqlCommand(sql, owner);
        await command.ExecuteNonQueryAsync();
    }

    private static RosterOutcome OutcomeOf(RosterRunResult result, TestTenant tenant) =>
        Assert.Single(result.Tenants, t => t.Tenant == tenant.Slug).Outcome;

    private sealed class OnlyTheseAcademies(IReadOnlyList<TenantInfo> tenants) : ITenantDirectory
    {
        public Task<TenantInfo?> FindBySlugAsync(string slug, CancellationToken cancellationToken) =>
            Task.FromResult(tenants.FirstOrDefault(t => t.Slug == slug));

        public Task<IReadOnlyList<TenantInfo>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(tenants);
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
            (int Pid, bool Wrote)? held = null;
            while (held is null)
            {
                await Task.Delay(20, timeout.Token);
                // A transaction id is assigned at a session's first write: the insert is the statement's only one.
                await using var state = new NpgsqlCommand(
                    "SELECT pid, backend_xid IS NOT NULL FROM pg_stat_activity " +
                    "WHERE wait_event = 'PgSleep' AND datname = current_database()",
                    owner);
                await using var reader = await state.ExecuteReaderAsync(timeout.Token);
                held = await reader.ReadAsync(timeout.Token) ? (reader.GetInt32(0), reader.GetBoolean(1)) : null;
            }

            InsertedBeforeKill = held.Value.Wrote;
            await using (var count = new NpgsqlCommand("SELECT count(*) FROM roster_reports WHERE tenant_id = $1", owner)
            {
                Parameters = { new() { Value = tenant } },
            })
            {
                RowsVisibleBeforeKill = (long)(await count.ExecuteScalarAsync(timeout.Token))!;
            }

            await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend($1)", owner)
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
                $"DROP TRIGGER IF EXISTS {Name} ON roster_reports; DROP FUNCTION IF EXISTS {Name}(); DROP SEQUENCE IF EXISTS {Name};");
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
            long most = 0;
            while (!work.IsCompleted)
            {
                await using var count = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()", owner);
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
