using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;
using TatamiTech.Worker.Roster;

namespace TatamiTech.IntegrationTests.Worker.Roster;

/// <summary>
/// What keeps the Worker safe where it is deployed: the run-now endpoint is off outside Development unless enabled,
/// and then only with a run key; it refuses to start without the key, or under a role the wall does not bind; a run
/// in which an academy failed shows as Degraded health.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class WorkerSafeguardsShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    private const string EnableRunEndpoint = $"{RosterReportOptions.SectionName}:{nameof(RosterReportOptions.EnableRunEndpoint)}";

    [Fact]
    public async Task KeepTheRunEndpointOffInProduction()
    {
        await using var worker = new InProcessWorker(Stack, settings: new Dictionary<string, string> { [ConfigurationKeys.RosterRunKey] = "k" });
        using var client = worker.CreateClient();

        using var response = await RunNowAsync(client, "k");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ServeTheRunEndpointInProductionOnlyWhenEnabledAndOnlyWithTheKey()
    {
        await using var worker = new InProcessWorker(Stack, settings: new Dictionary<string, string>
        {
            [EnableRunEndpoint] = "true",
            [ConfigurationKeys.RosterRunKey] = "the-run-key",
        });
        using var client = worker.CreateClient();

        using var withoutKey = await RunNowAsync(client, key: null);
        using var wrongKey = await RunNowAsync(client, "another-key");
        using var withKey = await RunNowAsync(client, "the-run-key");

        await ProblemAssert.IsProblem(withoutKey, HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblem(wrongKey, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    [Fact]
    public async Task RefuseToStartWithTheRunEndpointOnAndNoKey()
    {
        await using var worker = new InProcessWorker(Stack, settings: new Dictionary<string, string> { [EnableRunEndpoint] = "true" });

        var refused = await Assert.ThrowsAnyAsync<Exception>(worker.StartAsync);

        Assert.Contains(ConfigurationKeys.RosterRunKey, refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefuseToStartUnderARoleTheWallDoesNotBind()
    {
        await using var worker = new InProcessWorker(Stack, runtimeConnectionString: Stack.OwnerConnectionString);

        var refused = await Assert.ThrowsAnyAsync<Exception>(worker.StartAsync);

        Assert.Contains("row-level security", refused.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ReportDegradedHealthAfterARunInWhichAnAcademyFailed()
    {
        await Alpha.SetTimeZoneAsync(Stack.OwnerConnectionString, "Mars/Olympus_Mons");
        try
        {
            await using var worker = new InProcessWorker(Stack, environment: "Development", settings: new Dictionary<string, string>
            {
                [$"{RosterReportOptions.SectionName}:{nameof(RosterReportOptions.RunOnStart)}"] = "true",
                [ConfigurationKeys.RosterRunKey] = "k",
            });
            using var client = worker.CreateClient();

            var health = "";
            for (var attempt = 0; attempt < 100 && !health.Contains("Degraded", StringComparison.Ordinal); attempt++)
            {
                using var response = await client.GetAsync(ServicePaths.Health);
                health = await response.Content.ReadAsStringAsync();
                await Task.Delay(100);
            }

            Assert.Equal("Degraded", health);
        }
        finally
        {
            await Alpha.SetTimeZoneAsync(Stack.OwnerConnectionString, "UTC");
        }
    }

    private static Task<HttpResponseMessage> RunNowAsync(HttpClient client, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ServicePaths.RosterRunNow);
        if (key is not null)
        {
            request.Headers.Add(HeaderNames.RunKey, key);
        }

        return client.SendAsync(request);
    }
}
