using System.Text.Json;
using System.Text.RegularExpressions;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Api.Reference;

/// <summary>
/// The Development reference page (<c>/scalar</c>) on an academy's host, through the stack: it opens with
/// a token of that academy and no other, it exists only for known academies, and never in Production.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class ReferencePageShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    /// <summary>What the page maps: reviewed as anonymous (tenant-resolved) endpoints by the tenancy matrix.</summary>
    public static readonly string[] Endpoints =
    [
        "GET /scalar/{documentName?}", "GET /scalar/scalar.js", "GET /scalar/scalar.aspnetcore.js", "GET /scalar/favicon.svg",
    ];

    [Fact]
    public async Task OpenOnAnAcademysHostWithATokenOfThatAcademyOnly()
    {
        using var page = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/scalar/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(page.Headers.CacheControl?.NoStore, "The page holds a token: it must not be cached.");
        var token = PageToken().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEmpty(token);

        using var own = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", token);
        using var other = await Stack.Api.SendAsync(Bravo.Host, HttpMethod.Get, "/students", token);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        await ProblemAssert.IsProblem(other, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task LoadItsScriptAndTheDocumentFromTheAcademysHost()
    {
        using var script = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/scalar/scalar.js");
        using var document = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public async Task AnswerNotFoundOnAHostThatNamesNoAcademy()
    {
        using var page = await Stack.Api.SendAsync("nosuchacademy.localhost", HttpMethod.Get, "/scalar/");

        await ProblemAssert.IsProblem(page, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task NotExistInProductionWhereTheDocumentStillDoes()
    {
        await using var production = new InProcessApi(Stack, environment: "Production");
        using var client = production.CreateClient();
        var host = $"{Alpha.Slug}.tatamitech.com";

        using var page = await client.SendAsync(ApiRequests.To(host, HttpMethod.Get, "/scalar/", TestTokens.For(Alpha)));
        using var document = await client.SendAsync(ApiRequests.To(host, HttpMethod.Get, "/openapi/v1.json"));

        await ProblemAssert.IsProblem(page, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var paths = (await document.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paths");
        Assert.True(paths.TryGetProperty("/students", out _));
        Assert.False(paths.TryGetProperty("/dev/tokens", out _), "Production mints no token.");
    }

    [GeneratedRegex("\"token\":\"([^\"]+)\"")]
    private static partial Regex PageToken();
}
