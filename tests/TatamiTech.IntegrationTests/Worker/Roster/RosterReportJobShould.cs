using System.Diagnostics.Metrics;
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

/// <summary>
/// The worker's roster job against the stack's database, hosted as the worker hosts it: here what each run reports;
/// beside it, runs side by side (Concurrency) and a run cut mid-transaction (Interruption).
/// </summary>
[Collection(StackCollection.Name)]
public partial class RosterReportJobShould(StackFixture stack) : IDisposable
{
    private readonly List<IHost> _hosts = [];

    [SkippableFact]
    public async Task ReportEachAcademyOnItsOwnRoster()
    {
        stack.SkipUnlessStarted();
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

    [SkippableFact]
    public async Task ReportTheOthersWhenOneAcademyFailsAndRetryItNextRun()
    {
        stack.SkipUnlessStarted();
        var broken = await TenantWithStudentsAsync("broken", "green");
        var healthy = await TenantWithStudentsAsync("healthy", "green", "green");
        await broken.SetTimeZoneAsync(stack.OwnerConnectionString, "Mars/Olympus_Mons");
        var job = NewJob();

        var first = await job.RunAsync(refresh: false, CancellationToken.None);
        Assert.Equal(RosterOutcome.Failed, OutcomeOf(first, broken));
        Assert.Equal(RosterOutcome.Written, OutcomeOf(first, healthy));
        Assert.Equal(2, (await ReportOfAsync(healthy)).TotalStudents);
        Assert.Null(await FindReportAsync(broken));

        await broken.SetTimeZoneAsync(stack.OwnerConnectionString, "UTC");
        var second = await job.RunAsync(refresh: false, CancellationToken.None);

        Assert.Equal(RosterOutcome.Written, OutcomeOf(second, broken));
        Assert.Equal(RosterOutcome.AlreadyDone, OutcomeOf(second, healthy));
        Assert.Equal(1, (await ReportOfAsync(broken)).TotalStudents);
    }

    [SkippableFact]
    public async Task LeaveOneReportPerAcademyAndDayWhenRunTwice()
    {
        stack.SkipUnlessStarted();
        var tenant = await TenantWithStudentsAsync("twice", "orange");
        var job = NewJob();

        await job.RunAsync(refresh: false, CancellationToken.None);
        var again = await job.RunAsync(refresh: false, CancellationToken.None);
        var refreshed = await job.RunAsync(refresh: true, CancellationToken.None);

        Assert.Equal(RosterOutcome.AlreadyDone, OutcomeOf(again, tenant));
        Assert.Equal(RosterOutcome.Written, OutcomeOf(refreshed, tenant));
        Assert.Equal(1, await CountReportRowsAsync(tenant));
    }

    [SkippableFact]
    public async Task CountASuspendedAcademyAsSkipped()
    {
        stack.SkipUnlessStarted();
        var suspended = await TenantWithStudentsAsync("skipped", "white");
        var active = await TenantWithStudentsAsync("counted", "white");
        var job = NewHost([suspended.Info with { Suspended = true }, active.Info]).Services.GetRequiredService<RosterReportJob>();
        using var skipped = new CounterTotal("tatamitech.roster.tenants_skipped");

        var result = await job.RunAsync(refresh: false, CancellationToken.None);

        Assert.Equal(RosterOutcome.Suspended, OutcomeOf(result, suspended));
        Assert.Equal(RosterOutcome.Written, OutcomeOf(result, active));
        Assert.Equal(1, skipped.Total);
        Assert.Null(await FindReportAsync(suspended));
    }

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }
    }

    private RosterReportJob NewJob() => NewHost().Services.GetRequiredService<RosterReportJob>();

    /// <param name="only">Academies the job sees, as the directory lists them (default: the whole directory).</param>
    /// <param name="maxInFlight">Worker:Roster:MaxAcademiesInFlight (default: the option's own).</param>
    private IHost NewHost(IEnumerable<TenantInfo>? only = null, int? maxInFlight = null)
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
                builder.Services.AddSingleton<ITenantDirectory>(new OnlyTheseAcademies([.. only]));
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


    /// <summary>
    /// Test-only DDL (the triggers that hold an insert) as the database owner. On Citus a trigger runs on the worker
    /// that holds the row, which Citus allows only when told to (its function goes to the workers with it).
    /// </summary>
    private static async Task ExecuteAsOwnerAsync(string ownerConnectionString, string sql)
    {
        await using var owner = new NpgsqlConnection(ownerConnectionString);
        await owner.OpenAsync();
        // Sequential: Citus refuses to propagate the trigger's function after a parallel DDL on shards in one transaction.
        var prefix = await SessionsOf.IsCitusAsync(owner)
            ? "SET citus.enable_unsafe_triggers = on; SET citus.multi_shard_modify_mode = 'sequential';\n"
            : string.Empty;
        await using var command = new NpgsqlCommand(prefix + sql, owner);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Where the sessions that run an academy's statements are seen, and how one is named to be ended: this server's
    /// pg_stat_activity; on Citus the sessions of every node (citus_stat_activity, by global process id), since the
    /// worker that holds the row runs the statement.
    /// </summary>
    private sealed record SessionsOf(string View, string Pid, string PidType)
    {
        public static async Task<SessionsOf> DatabaseAsync(NpgsqlConnection owner) =>
            await IsCitusAsync(owner) ? new("citus_stat_activity", "global_pid", "bigint") : new("pg_stat_activity", "pid", "integer");

        public static async Task<bool> IsCitusAsync(NpgsqlConnection owner)
        {
            await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", owner);
            return await command.ExecuteScalarAsync() is true;
        }
    }

    private static RosterOutcome OutcomeOf(RosterRunResult result, TestTenant tenant) =>
        Assert.Single(result.Tenants, t => t.Tenant == tenant.Slug).Outcome;

    /// <summary>What the Worker's roster counter of that name (a static meter) adds up to while it listens.</summary>
    private sealed class CounterTotal : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public CounterTotal(string instrument)
        {
            _listener.InstrumentPublished = (published, listener) =>
            {
                if (published.Meter.Name == "TatamiTech.Worker.Roster" && published.Name == instrument)
                {
                    listener.EnableMeasurementEvents(published);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }

    private sealed class OnlyTheseAcademies(IReadOnlyList<TenantInfo> tenants) : ITenantDirectory
    {
        public Task<TenantInfo?> FindBySlugAsync(string slug, CancellationToken cancellationToken) =>
            Task.FromResult(tenants.FirstOrDefault(t => t.Slug == slug));

        public Task<IReadOnlyList<TenantInfo>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(tenants);
    }
}
