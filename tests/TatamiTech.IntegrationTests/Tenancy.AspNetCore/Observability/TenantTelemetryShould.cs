using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.Observability;

/// <summary>
/// What the dashboard shows: the tenant slug on the request span, on the database spans under it and on
/// every log record of the request; refusals as warnings naming both sides, counted by reason.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TenantTelemetryShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    private readonly List<Activity> _spans = [];
    private readonly LogCaptureProcessor _logs = new();
    private InProcessApi _api = null!;
    private HttpClient _client = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _api = new InProcessApi(
            Stack,
            services: s =>
            {
                s.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(_spans));
                // A loopback caller, as on the stack, whose X-Tenant header is read.
                s.AddSingleton<IStartupFilter>(new CallerAddress("127.0.0.1"));
            },
            logging: l => l.AddOpenTelemetry(o => o.AddProcessor(_logs)));
        _client = _api.CreateClient();

        // Start-up (migrations, demo data) logs and traces under other tenants: keep only what tests cause.
        _logs.Records.Clear();
        _spans.Clear();
    }

    public override async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task TagTheRequestSpanAndItsDatabaseSpansWithTheTenant()
    {
        using var response = await _client.SendAsync(
            ApiRequests.To(Alpha.Host, HttpMethod.Get, "/students", TestTokens.For(Alpha)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        bool IsRequestSpan(Activity s) => s.Kind == ActivityKind.Server && s.DisplayName.Contains("/students", StringComparison.Ordinal);
        await FlushUntilAsync(() => _spans.Any(IsRequestSpan));

        var server = Assert.Single(_spans, IsRequestSpan);
        Assert.Equal(Alpha.Slug, server.GetTagItem(TenantTags.Slug));
        // The tenant lookup itself runs before the tenant is known; every query after it is tagged.
        var database = _spans
            .Where(s => s.TraceId == server.TraceId && s.Source.Name == "Npgsql")
            .Where(s => s.Tags.Any(t => t.Value?.Contains("FROM students", StringComparison.Ordinal) == true))
            .ToList();
        Assert.NotEmpty(database);
        Assert.All(database, s => Assert.Equal(Alpha.Slug, s.GetTagItem(TenantTags.Slug)));
    }

    [Fact]
    public async Task PutTheTenantOnEveryLogRecordOfTheRequest()
    {
        using var response = await _client.SendAsync(
            ApiRequests.To(Alpha.Host, HttpMethod.Get, "/students?q=telemetry", TestTokens.For(Alpha)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // EF Core logs each command at Information inside the request (set so by InProcessApi).
        var commands = _logs.Records
            .Where(r => r.Category == "Microsoft.EntityFrameworkCore.Database.Command"
                && r.Message.Contains("students", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(commands);
        Assert.All(commands, r =>
        {
            Assert.Equal(Alpha.Slug, r.Attributes[TenantTags.Slug]);
            Assert.Equal(Alpha.Id.ToString(), r.Attributes[TenantTags.Id]);
        });
    }

    [Fact]
    public async Task ReportACrossTenantTokenAsAWarningNamingBothSides()
    {
        using var counter = new RejectionCounter();

        using var response = await _client.SendAsync(
            ApiRequests.To(Alpha.Host, HttpMethod.Get, "/students", TestTokens.For(Bravo, "intruder")));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var warning = Assert.Single(
            _logs.Records, r => r.Level == LogLevel.Warning && r.Message.Contains("intruder", StringComparison.Ordinal));
        Assert.Contains(Bravo.Id.ToString(), warning.Message);
        Assert.Contains(Alpha.Slug, warning.Message);
        Assert.Equal(Alpha.Slug, warning.Attributes[TenantTags.Slug]);
        Assert.True(counter.Count("token_tenant_mismatch") >= 1);
    }

    [Fact]
    public async Task CountAndLogAnUnknownTenantAndAConflictingHeader()
    {
        using var counter = new RejectionCounter();
        var unknown = $"nosuch{Guid.NewGuid():N}"[..20];

        using var unknownResponse = await _client.SendAsync(ApiRequests.To($"{unknown}.localhost", HttpMethod.Get, "/students"));
        using var conflict = ApiRequests.To(Alpha.Host, HttpMethod.Get, "/students", TestTokens.For(Alpha));
        conflict.Headers.Add("X-Tenant", Bravo.Slug);
        using var conflictResponse = await _client.SendAsync(conflict);

        Assert.Equal(HttpStatusCode.NotFound, unknownResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, conflictResponse.StatusCode);
        Assert.Contains(_logs.Records, r => r.Level == LogLevel.Warning && r.Message.Contains(unknown, StringComparison.Ordinal));
        Assert.Contains(_logs.Records, r => r.Level == LogLevel.Warning
            && r.Message.Contains(Alpha.Slug, StringComparison.Ordinal)
            && r.Message.Contains(Bravo.Slug, StringComparison.Ordinal));
        Assert.True(counter.Count("unknown_tenant") >= 1);
        Assert.True(counter.Count("header_conflict") >= 1);
    }

    private void Flush() => _api.Services.GetRequiredService<TracerProvider>().ForceFlush();

    /// <summary>
    /// The request span ends just after its response is sent, so the client can be answered before the span
    /// is exported: flush until it is there (a bound, not a wait for success).
    /// </summary>
    private async Task FlushUntilAsync(Func<bool> exported)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (Flush(); !exported() && clock.Elapsed < TimeSpan.FromSeconds(5); Flush())
        {
            await Task.Delay(20);
        }
    }
}
