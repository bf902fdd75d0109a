using System.Collections.Concurrent;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// An academy's members draw from a budget nobody outside the academy can spend: floods without its
/// token, with another academy's token or from many addresses are refused at their own budgets while the
/// members are served. The members' budget here is small enough that any of these floods would exhaust it
/// if it were charged there.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class MembersBudgetShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    /// <summary>How many requests the flood has sent before the members are sampled, and the size of the members' own flood.</summary>
    private const int FloodRequests = 300;

    public static TheoryData<string> Floods => ["anonymous", "another academy's token", "a token that does not validate", "many addresses"];

    [Theory]
    [MemberData(nameof(Floods))]
    public async Task ServeTheMembersWhileOutsidersFloodTheirAcademy(string flood)
    {
        await using var api = LimitedApi.Create(Stack, members: (20, 20), strangers: (5, 5), address: (5, 5));
        using var client = api.CreateClient();
        var outsiders = new ConcurrentBag<HttpStatusCode>();
        using var membersDone = new CancellationTokenSource();

        // The flood lasts as long as the members are sampled: six connections, each sending again as soon as answered.
        var flooding = Task.WhenAll(Enumerable.Range(0, 6).Select(connection => Task.Run(async () =>
        {
            for (var i = connection; !membersDone.IsCancellationRequested; i += 6)
            {
                using var response = await client.SendAsync(FloodRequest(flood, i));
                outsiders.Add(response.StatusCode);
            }
        })));
        var members = new List<HttpStatusCode>();
        while (outsiders.Count < FloodRequests)
        {
            await Task.Delay(10);
        }

        for (var i = 0; i < 15; i++)
        {
            using var response = await client.SendAsync(Alpha, HttpMethod.Get, "/students?pageSize=1");
            members.Add(response.StatusCode);
            await Task.Delay(80);
        }

        await membersDone.CancelAsync();
        await flooding;

        Assert.All(members, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.True(outsiders.Count(s => s == HttpStatusCode.TooManyRequests) >= outsiders.Count / 2,
            $"The flood was not limited: {string.Join(", ", outsiders.GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}"))}.");
        Assert.DoesNotContain(outsiders, s => s == HttpStatusCode.OK);
    }

    [Fact]
    public async Task RefuseOnlyTheAcademyWhoseMembersSendPastTheirLimit()
    {
        await using var api = LimitedApi.Create(Stack, members: (20, 20));
        using var client = api.CreateClient();
        var alpha = new ConcurrentBag<(HttpStatusCode Status, TimeSpan? RetryAfter)>();

        // Alpha's members send ten times their limit for a second and more; bravo's, their ordinary trickle.
        var flooding = Parallel.ForAsync(0, FloodRequests, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (_, ct) =>
        {
            using var response = await client.SendAsync(
                ApiRequests.To(Alpha.Host, HttpMethod.Get, "/students?pageSize=1", TestTokens.For(Alpha)), ct);
            alpha.Add((response.StatusCode, response.Headers.RetryAfter?.Delta));
        });
        var bravo = new List<HttpStatusCode>();
        for (var i = 0; i < 15; i++)
        {
            using var response = await client.SendAsync(Bravo, HttpMethod.Get, "/students?pageSize=1");
            bravo.Add(response.StatusCode);
            await Task.Delay(80);
        }

        await flooding;

        Assert.All(bravo, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Contains(alpha, s => s.Status == HttpStatusCode.OK);
        var refused = alpha.Where(s => s.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.True(refused.Count >= 100, $"Only {refused.Count} of {FloodRequests} flooding requests were refused.");
        Assert.All(refused, s => Assert.True(s.RetryAfter >= TimeSpan.FromSeconds(1), "429 without Retry-After"));
    }

    [Fact]
    public async Task AnswerTooManyRequestsWithProblemDetails()
    {
        await using var api = LimitedApi.Create(Stack, members: (1, 1));
        using var client = api.CreateClient();

        using var first = await client.SendAsync(Alpha, HttpMethod.Get, "/students?pageSize=1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // One permit a second: of the next few requests in a row, one is refused.
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 5 && refused is null; i++)
        {
            var response = await client.SendAsync(Alpha, HttpMethod.Get, "/students?pageSize=1");
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

    /// <summary>
    /// Budgets are kept by each process (docs/deploying.md): an academy that has spent its members' budget on one
    /// API process is still served in full by another, so N replicas let it through about N times the burst.
    /// </summary>
    [Fact]
    public async Task KeepABudgetOfItsOwnInEachProcess()
    {
        await using var first = LimitedApi.Create(Stack, members: (1, 3));
        await using var second = LimitedApi.Create(Stack, members: (1, 3));
        using var firstClient = first.CreateClient();
        using var secondClient = second.CreateClient();

        var onFirst = await MemberStatusesAsync(firstClient, 6);
        var onSecond = await MemberStatusesAsync(secondClient, 3);

        Assert.Contains(HttpStatusCode.TooManyRequests, onFirst);
        Assert.All(onSecond, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    private async Task<List<HttpStatusCode>> MemberStatusesAsync(HttpClient client, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var response = await client.SendAsync(Alpha, HttpMethod.Get, "/students?pageSize=1");
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    private HttpRequestMessage FloodRequest(string flood, int i) => flood switch
    {
        "anonymous" => ApiRequests.To(Alpha.Host, HttpMethod.Get, "/students?pageSize=1"),
        "another academy's token" => ApiRequests.To(Alpha.Host, HttpMethod.Get, "/students?pageSize=1", TestTokens.For(Bravo)),
        "a token that does not validate" => ApiRequests.To(
            Alpha.Host, HttpMethod.Get, "/students?pageSize=1", TestTokens.For(Alpha)[..^4] + "AAAA"),
        "many addresses" => LimitedApi.From(
            $"203.0.113.{i % 250}", ApiRequests.To(Alpha.Host, HttpMethod.Get, "/students?pageSize=1")),
        _ => throw new ArgumentOutOfRangeException(nameof(flood), flood, null),
    };
}
