using System.Text.Json;
using System.Text.Json.Nodes;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Platform.Academies;

/// <summary>A suspension is recorded with its reason: one without is refused, and the academy stays as it was.</summary>
[Collection(StackCollection.Name)]
public sealed class SuspensionRequestsShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Theory]
    [InlineData("{}")]
    [InlineData("""{"reason":""}""")]
    [InlineData("""{"reason":"   "}""")]
    public async Task RefuseASuspensionWithoutAReason(string body)
    {
        using var refused = await Stack.OperatorAsync(HttpMethod.Post, $"/academies/{Alpha.Slug}/suspend", JsonNode.Parse(body));
        using var academy = await Stack.OperatorAsync(HttpMethod.Get, $"/academies/{Alpha.Slug}");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _), problem.ToString());
        Assert.Equal("active", (await academy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }
}
