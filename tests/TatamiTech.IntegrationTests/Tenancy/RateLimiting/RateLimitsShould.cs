using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Tenancy.RateLimiting;

/// <summary>
/// Per-academy and per-address limits, on the API hosted in-process with small buckets: the noisy
/// neighbour drill at test size, and the floods that would otherwise reach the database.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class RateLimitsShould(StackFixture stack)
{
    private readonly List<(HttpStatusCode Status, double RetryAfter)> _alphaStatuses = [];
    private readonly List<(HttpStatusCode Status, double RetryAfter)> _bravoStatuses = [];

    [Fact]
    public async Task RefuseOnlyTheAcademyThatFloodsWhileItsNeighbourIsServed()
    {
        await using var api = Api(academyPerSecond: 20, academyBurst: 20);
        using var client = api.CreateClient();
        var alphaToken = TestTokens.For(stack.Alpha);
        var bravoToken = TestTokens.For(stack.Bravo);

        // Alpha sends ten times its limit for a second and more; bravo, its ordinary trickle at the same time.
        var flood = Parallel.ForAsync(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (_, ct) =>
        {
            using var response = await client.SendAsync(
                ApiRequests.To(stack.Alpha.Host, HttpMethod.Get, "/students?pageSize=1", alphaToken), ct);
            Record(_alphaStatuses, response);
        });
        for (var i = 0; i < 15; i++)
        {
            using var response = await client.SendAsync(
                ApiRequests.To(stack.Bravo.Host, HttpMethod.Get, "/students?pageSize=1", bravoToken));
            Record(_bravoStatuses, response);
            await Task.Delay(80);
        }

        await flood;

        Assert.All(_bravoStatuses, s => Assert.Equal(HttpStatusCode.OK, s.Status));
        Assert.Contains(_alphaStatuses, s => s.Status == HttpStatusCode.OK);
        var refused = _alphaStatuses.Where(s => s.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.True(refused.Count >= 100, $"Only {refused.Count} of 300 flooding requests were refused.");
        Assert.All(refused, s => Assert.True(s.RetryAfter >= 1, "429 without Retry-After"));
    }

    [Fact]
    public async Task AnswerTooManyRequestsWithProblemDetails()
    {
        await using var api = Api(academyPerSecond: 1, academyBurst: 1);
        using var client = api.CreateClient();

        using var first = await client.SendAsync(stack.Alpha, HttpMethod.Get, "/students?pageSize=1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // One permit a second: of the next few requests in a row (the first one warmed the app up), one is refused.
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 5 && refused is null; i++)
        {
            var response = await client.SendAsync(stack.Alpha, HttpMethod.Get, "/students?pageSize=1");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.TooManyRequests);
            Assert.Contains("Retry after", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task RefuseAFloodOfInventedSubdomainsBeforeTheDirectory()
    {
        await using var api = Api(addressPerSecond: 1, addressBurst: 10);
        using var client = api.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            using var response = await client.SendAsync($"nope{Guid.NewGuid():N}"[..20] + ".localhost", HttpMethod.Get, "/students");
            statuses.Add(response.StatusCode);
        }

        // The first ten are looked up (and are unknown); the rest never reach the database.
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.NotFound), 10, 12);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.TooManyRequests), 28, 30);
    }

    [Fact]
    public async Task LimitTokenMintingPerAddress()
    {
        await using var api = Api(addressPerSecond: 1, addressBurst: 3);
        using var client = api.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.SendAsync(stack.Alpha.Host, HttpMethod.Post, "/dev/tokens", body: new { subject = "x" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    private static void Record(List<(HttpStatusCode, double)> statuses, HttpResponseMessage response)
    {
        lock (statuses)
        {
            statuses.Add((response.StatusCode, response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0));
        }
    }

    private InProcessApi Api(
        int academyPerSecond = 1000, int academyBurst = 1000, int addressPerSecond = 1000, int addressBurst = 1000) => new(
        stack,
        services: s => s.AddSingleton<IStartupFilter>(new CallerAddress("198.51.100.20")),
        settings: new Dictionary<string, string>
        {
            ["Tenancy:RateLimits:Academy:PermitsPerSecond"] = academyPerSecond.ToString(CultureInfo.InvariantCulture),
            ["Tenancy:RateLimits:Academy:Burst"] = academyBurst.ToString(CultureInfo.InvariantCulture),
            ["Tenancy:RateLimits:Address:PermitsPerSecond"] = addressPerSecond.ToString(CultureInfo.InvariantCulture),
            ["Tenancy:RateLimits:Address:Burst"] = addressBurst.ToString(CultureInfo.InvariantCulture),
        });
}
