using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using TatamiTech.Data;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.ServiceDefaults.Telemetry;

/// <summary>
/// What a developer sees in the dashboard's logs and traces: expected business answers are not errors,
/// probes and driver chatter stay out of the way, and a real failure still names its academy.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DashboardNoiseShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task LogNoErrorAndFailNoSpanForATakenEmail()
    {
        var spans = new List<Activity>();
        var logs = new LogCaptureProcessor();
        await using var api = new InProcessApi(
            Stack,
            services: s => s.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(spans)),
            logging: l => l.AddOpenTelemetry(o => o.AddProcessor(logs)));
        using var client = api.CreateClient();
        var email = $"taken-{Guid.NewGuid():N}@example.com";
        using var created = await client.SendAsync(Alpha, HttpMethod.Post, "/students", Student("Ren", email));
        using var other = await client.SendAsync(Alpha, HttpMethod.Post, "/students", Student("Yui", $"x{email}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        logs.Records.Clear();
        spans.Clear();

        using var duplicate = await client.SendAsync(Alpha, HttpMethod.Post, "/students", Student("Mio", email));
        using var update = await client.SendAsync(
            Alpha, HttpMethod.Put, other.Headers.Location!.ToString(), Student("Yui", email.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, update.StatusCode);
        Assert.DoesNotContain(logs.Records, r => r.Level >= LogLevel.Warning);

        // The listener is process-wide, and a server span ends just after its response is sent: flush until both
        // 409s' spans are there (bounded), then keep their traces only.
        HashSet<ActivityTraceId> traces = [];
        for (var attempt = 0; attempt < 50 && traces.Count < 2; attempt++)
        {
            api.Services.GetRequiredService<TracerProvider>().ForceFlush();
            traces = Snapshot(spans)
                .Where(s => s.Kind == ActivityKind.Server && s.GetTagItem(TenantTags.Slug) as string == Alpha.Slug)
                .Where(s => s.GetTagItem("http.response.status_code") is 409)
                .Select(s => s.TraceId)
                .ToHashSet();
            if (traces.Count < 2)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(2, traces.Count);
        Assert.DoesNotContain(Snapshot(spans), s => traces.Contains(s.TraceId) && s.Status == ActivityStatusCode.Error);
    }

    [Fact]
    public async Task WriteNothingForHealthProbes()
    {
        var spans = new List<Activity>();
        var logs = new LogCaptureProcessor();
        await using var api = new InProcessApi(
            Stack,
            services: s => s.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(spans)),
            logging: l => l.AddOpenTelemetry(o => o.AddProcessor(logs)),
            settings: DefaultCommandLogLevel);
        using var client = api.CreateClient();
        logs.Records.Clear();
        spans.Clear();

        foreach (var probe in new[] { ServicePaths.Health, ServicePaths.Alive, ServicePaths.Health })
        {
            using var response = await client.GetAsync(probe);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        api.Services.GetRequiredService<TracerProvider>().ForceFlush();
        Assert.DoesNotContain(logs.Records, r => r.Level >= LogLevel.Information);
        Assert.DoesNotContain(spans, s => s.DisplayName.Contains(ServicePaths.Health, StringComparison.Ordinal)
            || s.DisplayName.Contains(ServicePaths.Alive, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteNothingForAProbeThatFails()
    {
        var logs = new LogCaptureProcessor();
        await using var api = new InProcessApi(
            Stack,
            // A service that is not ready yet: its readiness check fails, the dashboard shows it, the logs stay quiet.
            services: s => s.AddHealthChecks().AddCheck("not-ready", () => HealthCheckResult.Unhealthy("Still starting.")),
            logging: l => l.AddOpenTelemetry(o => o.AddProcessor(logs)),
            settings: DefaultCommandLogLevel);
        using var client = api.CreateClient();
        logs.Records.Clear();

        using var response = await client.GetAsync(ServicePaths.Health);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain(logs.Records, r => r.Level >= LogLevel.Information);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("Information", true)]
    public async Task KeepNpgsqlCommandRecordsBelowTheConfiguredLevel(string? npgsqlLevel, bool expected)
    {
        var logs = new LogCaptureProcessor();
        var settings = new Dictionary<string, string>(DefaultCommandLogLevel);
        if (npgsqlLevel is not null)
        {
            settings["Logging:LogLevel:Npgsql"] = npgsqlLevel;
        }

        await using var api = new InProcessApi(Stack, logging: l => l.AddOpenTelemetry(o => o.AddProcessor(logs)), settings: settings);
        using var client = api.CreateClient();

        using var response = await client.SendAsync(Alpha, HttpMethod.Get, "/students");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, logs.Records.Any(r => r.Category.StartsWith("Npgsql", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task NameTheAcademyOnTheUnhandledExceptionRecord()
    {
        var logs = new LogCaptureProcessor();
        await using var api = new InProcessApi(
            Stack,
            // A fault no request can cause: the context cannot be built.
            services: s => s.AddScoped<TatamiDbContext>(_ => throw new InvalidOperationException("The context is out of order.")),
            logging: l => l.AddOpenTelemetry(o => o.AddProcessor(logs)));
        using var client = api.CreateClient();

        using var response = await client.SendAsync(Alpha, HttpMethod.Get, "/students");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var unhandled = Assert.Single(logs.Records, r => r.Level == LogLevel.Error);
        Assert.Contains("Diagnostics", unhandled.Category, StringComparison.Ordinal);
        Assert.Equal(Alpha.Slug, unhandled.Attributes[TenantTags.Slug]);
    }

    /// <summary>InProcessApi raises EF's command records to Information for other tests; here they are the service's own.</summary>
    private static readonly Dictionary<string, string> DefaultCommandLogLevel = new()
    {
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Warning",
    };

    private static object Student(string firstName, string email) =>
        new { firstName, lastName = "Noise", email, beltRank = "white" };

    /// <summary>
    /// The spans exported so far. The exporter appends on whichever thread ends a span; a list's copy is a plain
    /// array copy (no enumerator to invalidate), and a slot not yet written reads as null.
    /// </summary>
    private static IEnumerable<Activity> Snapshot(List<Activity> spans) => spans.ToArray().Where(s => s is not null);
}
