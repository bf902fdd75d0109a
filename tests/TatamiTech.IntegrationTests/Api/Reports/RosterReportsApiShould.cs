using System.Text.Json;
using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.MigrationService.Seeding;

namespace TatamiTech.IntegrationTests.Api.Reports;

/// <summary>End to end: the worker's "run now", then the API serves each academy its own report.</summary>
[Collection(StackCollection.Name)]
public sealed class RosterReportsApiShould(StackFixture stack)
{
    private static readonly TestTenant s_goldenTiger = TestTenant.From(DemoAcademies.GoldenTiger);
    private static readonly TestTenant s_ironCrane = TestTenant.From(DemoAcademies.IronCrane);

    [Fact]
    public async Task ServeEachAcademyItsOwnFiguresAfterARun()
    {
        using var run = await stack.RunRosterNowAsync();
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);

        foreach (var academy in new[] { s_goldenTiger, s_ironCrane })
        {
            using var response = await stack.Api.SendAsync(academy, HttpMethod.Get, "/reports/roster/latest");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var report = await response.Content.ReadFromJsonAsync<JsonElement>();

            var expected = await RanksInDatabaseAsync(academy);
            Assert.Equal(expected.Values.Sum(), report.GetProperty("totalStudents").GetInt32());
            foreach (var rank in report.GetProperty("studentsByBeltRank").EnumerateObject())
            {
                Assert.Equal(expected.GetValueOrDefault(rank.Name), rank.Value.GetInt32());
            }
        }
    }

    [Fact]
    public async Task RefuseTheOtherAcademysToken()
    {
        using var response = await stack.Api.SendAsync(
            s_goldenTiger.Host, HttpMethod.Get, "/reports/roster/latest", TestTokens.For(s_ironCrane));

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnswerNotFoundForAnAcademyWithoutReports()
    {
        var fresh = await stack.CreateServedAcademyAsync("noreport");

        using var response = await stack.Api.SendAsync(fresh, HttpMethod.Get, "/reports/roster/latest");

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListReportsInADateRange()
    {
        using var run = await stack.RunRosterNowAsync();
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        // A report's day is the academy's own calendar day, not UTC's.
        var today = (await TodayOfAsync(s_goldenTiger)).ToString("O");

        using var response = await stack.Api.SendAsync(s_goldenTiger, HttpMethod.Get, $"/reports/roster?from={today}&to={today}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reports = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(today, Assert.Single(reports.EnumerateArray()).GetProperty("period").GetString());
    }

    [Theory]
    [InlineData("/reports/roster?from=2026-11-02&to=2026-11-01")]
    [InlineData("/reports/roster?from=2025-01-01&to=2026-11-01")]
    [InlineData("/reports/roster?to=2026-11-01")]
    public async Task RefuseABadRange(string path)
    {
        using var response = await stack.Api.SendAsync(s_goldenTiger, HttpMethod.Get, path);

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
    }

    private async Task<DateOnly> TodayOfAsync(TestTenant academy)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT time_zone FROM tenants WHERE id = $1", connection)
        {
            Parameters = { new() { Value = academy.Id } },
        };
        var zone = TimeZoneInfo.FindSystemTimeZoneById((string)(await command.ExecuteScalarAsync())!);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone));
    }

    private async Task<Dictionary<string, int>> RanksInDatabaseAsync(TestTenant academy)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT belt_rank, count(*)::int FROM students WHERE tenant_id = $1 GROUP BY belt_rank",
            connection)
        {
            Parameters = { new() { Value = academy.Id } },
        };
        var ranks = new Dictionary<string, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ranks[reader.GetString(0)] = reader.GetInt32(1);
        }

        return ranks;
    }
}
