using System.Text.Json;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Worker.Roster;

/// <summary>The Worker's "run now": only for a caller with the key, answering counts, one run pending at most.</summary>
[Collection(StackCollection.Name)]
public sealed class RosterRunNowShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-the-key")]
    [InlineData(StackFixture.WorkerRunKey + "x")]
    public async Task RefuseACallerWithoutTheKey(string? key)
    {
        using var response = await Stack.RunRosterNowAsync(key);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnswerCountsAndNameNoAcademy()
    {
        using var response = await Stack.RunRosterNowAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        AssertCountsAddUp(JsonDocument.Parse(body).RootElement);
        Assert.DoesNotContain(Alpha.Slug, body, StringComparison.Ordinal);
        Assert.DoesNotContain("goldentiger", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerCallsMadeTogetherEachWithTheSummaryOfARun()
    {
        // Which calls share a run depends on timing here; RosterSchedulerShould holds a run open to check that.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Stack.RunRosterNowAsync()));

        foreach (var response in responses)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                AssertCountsAddUp(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
            }
        }
    }

    private static void AssertCountsAddUp(JsonElement summary)
    {
        Assert.True(summary.GetProperty("academies").GetInt32() >= 2);
        Assert.Equal(
            summary.GetProperty("academies").GetInt32(),
            summary.GetProperty("written").GetInt32() + summary.GetProperty("alreadyDone").GetInt32()
                + summary.GetProperty("claimedElsewhere").GetInt32() + summary.GetProperty("failed").GetInt32()
                + summary.GetProperty("suspended").GetInt32());
    }
}
