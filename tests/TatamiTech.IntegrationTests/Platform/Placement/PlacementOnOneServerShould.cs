using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Platform.Placement;

/// <summary>On one server there is nowhere else to put an academy: the placement endpoints say so with a 409.</summary>
[Collection(StackCollection.Name)]
public sealed class PlacementOnOneServerShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Theory]
    [InlineData("GET", "/nodes")]
    [InlineData("GET", "/academies/{slug}/placement")]
    [InlineData("POST", "/academies/{slug}/isolate")]
    [InlineData("POST", "/academies/{slug}/move")]
    public async Task AnswerThatTheDatabaseIsNotDistributed(string method, string path)
    {
        using var response = await Stack.OperatorAsync(new HttpMethod(method), path.Replace("{slug}", Alpha.Slug), new { nodeId = 1 });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("not distributed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerNotFoundForAnAcademyThatDoesNotExist()
    {
        using var response = await Stack.OperatorAsync(HttpMethod.Post, $"/academies/none{Guid.NewGuid():N}"[..30] + "/isolate");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
