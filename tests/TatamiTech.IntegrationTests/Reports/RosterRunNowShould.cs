using System.Text.Json;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Reports;

/// <summary>The Worker's "run now": only for a caller with the key, answering counts, one run pending at most.</summary>
[Collection(StackCollection.Name)]
public sealed class RosterRunNowShould(StackFixture stack)
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-the-key")]
    [InlineData(StackFixture.WorkerRunKey + "x")]
    public async Task RefuseACallerWithoutTheKey(string? key)
    {
        using var response = await stack.RunRosterNowAsync(key);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnswerCountsAndNameNoAcademy()
    {
        using var response = await stack.RunRosterNowAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var summary = JsonDocument.Parse(body).RootElement;
        Assert.True(summary.GetProperty("academies").GetInt32() >= 2);
        Assert.Equal(
            summary.GetProperty("academies").GetInt32(),
            summary.GetProperty("written").GetInt32() + summary.GetProperty("alreadyDone").GetInt32()
                + summary.GetProperty("claimedElsewhere").GetInt32() + summary.GetProperty("failed").GetInt32()
                + summary.GetProperty("suspended").GetInt32());
        Assert.DoesNotContain(stack.Alpha.Slug, body, StringComparison.Ordinal);
        Assert.DoesNotContain("goldentiger", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JoinCallsThatArriveTogetherIntoAtMostTwoRuns()
    {
        // The first call starts a run; every call arriving while it runs waits for the one run after it. The calls
        // go out on connections opened beforehand, so they arrive together even on a loaded machine, where opening
        // eight connections through the proxy could take longer than a run.
        const int Calls = 8;
        using var worker = new HttpClient { BaseAddress = stack.WorkerAddress };
        await Task.WhenAll(Enumerable.Range(0, Calls).Select(async _ =>
        {
            using var warm = await worker.GetAsync(ServicePaths.Alive);
            warm.EnsureSuccessStatusCode();
        }));

        var responses = await Task.WhenAll(Enumerable.Range(0, Calls).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, ServicePaths.RosterRunNow);
            request.Headers.Add(HeaderNames.RunKey, StackFixture.WorkerRunKey);
            return worker.SendAsync(request);
        }));

        var runs = new HashSet<string>();
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                runs.Add(await response.Content.ReadAsStringAsync());
            }
        }

        Assert.InRange(runs.Count, 1, 2);
    }
}
