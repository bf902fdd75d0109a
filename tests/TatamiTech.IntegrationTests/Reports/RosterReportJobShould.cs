using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Data.Reports;
using TatamiTech.Data.Students;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;
using TatamiTech.Worker.Roster;

namespace TatamiTech.IntegrationTests.Reports;

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

        // The second academy's connection is killed by the server right after its report is inserted,
        // before the commit: the transaction is lost with the session, the claim with it.
        var kill = new TerminateAfterInsert(stack.OwnerConnectionString, insertNumber: 2);
        var first = await NewHost(tenants, kill).Services.GetRequiredService<RosterReportJob>()
            .RunAsync(refresh: false, CancellationToken.None);

        Assert.True(kill.Terminated, "The backend was not terminated: the test did not interrupt anything.");
        // The cut academy either failed (the next run redoes it) or was redone by a retry in a new
        // transaction; either way nothing of the lost transaction remains, and the others went on.
        var cutOutcome = OutcomeOf(first, tenants[1]);
        Assert.Contains(cutOutcome, new[] { RosterOutcome.Failed, RosterOutcome.Written });
        var cutRows = cutOutcome == RosterOutcome.Written ? 1 : 0;
        Assert.All(tenants.Where(t => t != tenants[1]), t => Assert.Equal(RosterOutcome.Written, OutcomeOf(first, t)));
        Assert.Equal(new long[] { 1, cutRows, 1, 1 }, await Task.WhenAll(tenants.Select(CountReportRowsAsync)));

        var next = await NewHost(tenants).Services.GetRequiredService<RosterReportJob>().RunAsync(refresh: false, CancellationToken.None);

        Assert.Equal(cutRows == 0 ? RosterOutcome.Written : RosterOutcome.AlreadyDone, OutcomeOf(next, tenants[1]));
        Assert.All(tenants.Where(t => t != tenants[1]), t => Assert.Equal(RosterOutcome.AlreadyDone, OutcomeOf(next, t)));
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
    /// <param name="interceptor">An extra command interceptor on the job's DbContext.</param>
    private IHost NewHost(IReadOnlyList<TestTenant>? only = null, IInterceptor? interceptor = null)
    {
        var host = RuntimeHost.Build(stack, configure: builder =>
        {
            builder.AddRosterReports(schedule: false);
            if (only is not null)
            {
                builder.Services.AddSingleton<ITenantDirectory>(new OnlyTheseAcademies([.. only.Select(t => t.Info)]));
            }

            if (interceptor is not null)
            {
                builder.Services.ConfigureDbContext<TatamiDbContext>(options => options.AddInterceptors(interceptor));
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

    private static RosterOutcome OutcomeOf(RosterRunResult result, TestTenant tenant) =>
        Assert.Single(result.Tenants, t => t.Tenant == tenant.Slug).Outcome;

    private sealed class OnlyTheseAcademies(IReadOnlyList<TenantInfo> tenants) : ITenantDirectory
    {
        public Task<TenantInfo?> FindBySlugAsync(string slug, CancellationToken cancellationToken) =>
            Task.FromResult(tenants.FirstOrDefault(t => t.Slug == slug));

        public Task<IReadOnlyList<TenantInfo>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(tenants);
    }

    /// <summary>
    /// Terminates the session (pg_terminate_backend, from the owner's connection) that has just sent the
    /// n-th report insert, inside its transaction: a real connection lost mid-transaction.
    /// </summary>
    private sealed class TerminateAfterInsert(string ownerConnectionString, int insertNumber) : DbCommandInterceptor
    {
        private int _inserts;

        public bool Terminated { get; private set; }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            await TerminateIfDueAsync(command, cancellationToken);
            return result;
        }

        public override async ValueTask<int> NonQueryExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            await TerminateIfDueAsync(command, cancellationToken);
            return result;
        }

        private async Task TerminateIfDueAsync(DbCommand command, CancellationToken cancellationToken)
        {
            if (!command.CommandText.Contains("INSERT INTO roster_reports", StringComparison.Ordinal) || ++_inserts != insertNumber)
            {
                return;
            }

            var pid = ((NpgsqlConnection)command.Connection!).ProcessID;
            await using var owner = new NpgsqlConnection(ownerConnectionString);
            await owner.OpenAsync(cancellationToken);
            await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend($1)", owner)
            {
                Parameters = { new() { Value = pid } },
            };
            Terminated = (bool)(await terminate.ExecuteScalarAsync(cancellationToken))!;
        }
    }
}
