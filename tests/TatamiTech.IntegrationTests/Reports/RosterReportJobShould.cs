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

        // The first run is cut while the second academy's report is being inserted, inside its transaction.
        using var cut = new CancellationTokenSource();
        var interrupted = NewHost(tenants, new CancelOnInsert(cut, insertNumber: 2)).Services.GetRequiredService<RosterReportJob>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted.RunAsync(refresh: false, cut.Token));
        var afterCut = await Task.WhenAll(tenants.Select(CountReportRowsAsync));
        Assert.Equal(new long[] { 1, 0, 0, 0 }, afterCut);

        var next = await NewHost(tenants).Services.GetRequiredService<RosterReportJob>().RunAsync(refresh: false, CancellationToken.None);

        Assert.Equal(RosterOutcome.AlreadyDone, OutcomeOf(next, tenants[0]));
        Assert.All(tenants.Skip(1), t => Assert.Equal(RosterOutcome.Written, OutcomeOf(next, t)));
        var afterNext = await Task.WhenAll(tenants.Select(CountReportRowsAsync));
        Assert.Equal(new long[] { 1, 1, 1, 1 }, afterNext);
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

    /// <summary>Cancels the run as the n-th report insert goes out: the interruption lands inside a transaction.</summary>
    private sealed class CancelOnInsert(CancellationTokenSource run, int insertNumber) : DbCommandInterceptor
    {
        private int _inserts;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command,
            CommandEventData eventData,
            InterceptionResult<DbDataReader> result,
            CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("INSERT INTO roster_reports", StringComparison.Ordinal) && ++_inserts == insertNumber)
            {
                run.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
            }

            return ValueTask.FromResult(result);
        }
    }
}
