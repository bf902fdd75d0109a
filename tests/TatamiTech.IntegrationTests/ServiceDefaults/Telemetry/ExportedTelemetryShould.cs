using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.IntegrationTests.Infrastructure.Otlp;
using TatamiTech.Names;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Observability;

namespace TatamiTech.IntegrationTests.ServiceDefaults.Telemetry;

/// <summary>
/// What an operator's collector receives from the running stack: every service exports over OTLP to the suite's
/// collector, through the services' own exporters and processors, and each test reads what its own academies
/// caused. The in-process tests beside this one check the same rules on a single service in detail.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ExportedTelemetryShould(StackFixture stack)
{
    private const int ServerSpan = 2;
    private const int ClientSpan = 3;
    private const int ErrorStatus = 2;
    private const int FirstWarning = 13;
    private const int FirstError = 17;

    [Fact]
    public async Task CarryTheAcademyOnTheApisRequestSpanAndItsDatabaseSpans()
    {
        var academy = await stack.CreateServedAcademyAsync("otel-span");

        using var response = await stack.Api.SendAsync(academy, HttpMethod.Get, "/students");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await OtlpCollector.WaitUntilAsync(() => RequestSpans(academy, "/students").Any()),
            $"No exported server span of the API carried the academy. {Received()}");
        var trace = RequestSpans(academy, "/students").First().TraceId;
        Assert.True(await OtlpCollector.WaitUntilAsync(() => stack.Telemetry.Spans.Any(s => s.TraceId == trace && s.Kind == ClientSpan)),
            "The request's database spans were not exported.");
        Assert.All(
            stack.Telemetry.Spans.Where(s => s.TraceId == trace && s.Kind == ClientSpan),
            database => Assert.Equal(academy.Slug, database[TenantTags.Slug]));
    }

    [Fact]
    public async Task ExportACrossAcademyAttemptAsAWarningOnTheAcademyAttackedAndACount()
    {
        var target = await stack.CreateServedAcademyAsync("otel-target");
        var intruder = await stack.CreateServedAcademyAsync("otel-intruder");

        using var response = await stack.Api.SendAsync(target.Host, HttpMethod.Get, "/students", TestTokens.For(intruder));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(
            await OtlpCollector.WaitUntilAsync(() => stack.Telemetry.Logs.Any(log => log.Service == ResourceNames.Api
                && log.Severity >= FirstWarning && log.Severity < FirstError && log[TenantTags.Slug] == target.Slug
                && log["TokenTenantId"] == intruder.Id.ToString())),
            "No exported warning named the academy attacked and the token's academy.");
        Assert.True(
            await OtlpCollector.WaitUntilAsync(() => stack.Telemetry.MetricPoints.Any(point => point.Service == ResourceNames.Api
                && point.Metric == TenancyTelemetry.RejectionsInstrument && point["reason"] == "token_tenant_mismatch" && point.Value >= 1)),
            "The refusal was not counted on the exported rejections metric.");
    }

    [Fact]
    public async Task KeepAnExpectedConflictOutOfErrors()
    {
        var academy = await stack.CreateServedAcademyAsync("otel-conflict");
        var student = new { firstName = "Ren", lastName = "Ito", email = $"taken-{Guid.NewGuid():N}@example.com", beltRank = "white" };
        using var created = await stack.Api.SendAsync(academy, HttpMethod.Post, "/students", student);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var duplicate = await stack.Api.SendAsync(academy, HttpMethod.Post, "/students", student);

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        bool IsConflict(ExportedSpan s) => s.Kind == ServerSpan && s[TenantTags.Slug] == academy.Slug && s["http.response.status_code"] == "409";
        Assert.True(await OtlpCollector.WaitUntilAsync(() => stack.Telemetry.Spans.Any(IsConflict)), "The 409's span was not exported.");
        var trace = stack.Telemetry.Spans.First(IsConflict).TraceId;
        // Give the trace's last spans and logs a batch to arrive before judging that no error is among them.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(stack.Telemetry.Spans, s => s.TraceId == trace && s.StatusCode == ErrorStatus);
        Assert.DoesNotContain(stack.Telemetry.Logs, log => log.TraceId == trace && log.Severity >= FirstWarning);
    }

    [Fact]
    public async Task CarryEachAcademyOnTheWorkersExportedSpansAndCountTheRun()
    {
        var academy = await stack.CreateServedAcademyAsync("otel-worker");

        using var run = await stack.RunRosterNowAsync();

        Assert.True(run.IsSuccessStatusCode, $"Run now answered {(int)run.StatusCode}.");
        Assert.True(
            await OtlpCollector.WaitUntilAsync(
                () => stack.Telemetry.Spans.Any(s => s.Service == ResourceNames.Worker && s[TenantTags.Slug] == academy.Slug),
                TimeSpan.FromSeconds(60)),
            "No exported span of the Worker carried the academy.");
        Assert.True(
            await OtlpCollector.WaitUntilAsync(() => new[] { "tatamitech.roster.tenants_processed", "tatamitech.roster.run.duration" }
                .All(metric => stack.Telemetry.MetricPoints.Any(p => p.Service == ResourceNames.Worker && p.Metric == metric && p.Value >= 1))),
            "The Worker's run was not counted on its exported metrics.");
    }

    private string Received() =>
        $"Received {stack.Telemetry.Spans.Count()} spans ({string.Join(", ", stack.Telemetry.Spans.Select(s => s.Service).Distinct())}), " +
        $"{stack.Telemetry.Logs.Count()} log records, {stack.Telemetry.MetricPoints.Count()} metric points; collector at {stack.Telemetry.Endpoint}.";

    private IEnumerable<ExportedSpan> RequestSpans(TestTenant academy, string route) => stack.Telemetry.Spans.Where(s =>
        s.Service == ResourceNames.Api && s.Kind == ServerSpan && s[TenantTags.Slug] == academy.Slug
        && s.Name.Contains(route, StringComparison.Ordinal));
}
