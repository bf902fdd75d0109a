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

    [Theory]
    [InlineData("GET", "/nodes")]
    [InlineData("GET", "/academies/{slug}/placement")]
    [InlineData("POST", "/academies/{slug}/isolate")]
    [InlineData("POST", "/academies/{slug}/move")]
    public async Task RefuseEveryoneButOperators(string method, string path)
    {
        foreach (var token in new[] { null, TestTokens.For(Alpha), TestTokens.Operator(role: null) })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{slug}", Alpha.Slug))
            {
                Content = JsonContent.Create(new { nodeId = 1 }),
            };
            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }

            using var response = await Stack.Platform.SendAsync(request);

            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{(int)response.StatusCode}");
        }
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"nodeId":"two"}""")]
    [InlineData("[]")]
    public async Task AnswerAMalformedMoveWithoutAServerError(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/academies/{Alpha.Slug}/move")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", TestTokens.Operator());

        using var response = await Stack.Platform.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AnswerNotFoundForAnAcademyThatDoesNotExist()
    {
        using var response = await Stack.OperatorAsync(HttpMethod.Post, $"/academies/none{Guid.NewGuid():N}"[..30] + "/isolate");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
