using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Api.DevTokens;

/// <summary>The documented two-step: mint on an academy's host, then call its API.</summary>
[Collection(StackCollection.Name)]
public sealed class DevTokensShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task MintATokenThatWorksForItsAcademy()
    {
        var token = await MintAsync(Alpha.Host);

        using var response = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MintATokenThatTheOtherAcademyRefuses()
    {
        var token = await MintAsync(Alpha.Host);

        using var response = await Stack.Api.SendAsync(Bravo.Host, HttpMethod.Get, "/students", token);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task MintNothingForAHostThatNamesNoAcademy()
    {
        using var response = await Stack.Api.SendAsync(
            "nosuchacademy.localhost", HttpMethod.Post, "/dev/tokens", body: new { subject = "x" });

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MintNothingInProduction()
    {
        await using var production = new InProcessApi(Stack, environment: "Production");
        using var client = production.CreateClient();
        var host = $"{Alpha.Slug}.tatamitech.com";

        using var anonymous = await client.SendAsync(ApiRequests.To(host, HttpMethod.Post, "/dev/tokens", body: new { subject = "x" }));
        using var authenticated = await client.SendAsync(
            ApiRequests.To(host, HttpMethod.Post, "/dev/tokens", TestTokens.For(Alpha), new { subject = "x" }));

        await ProblemAssert.IsProblem(anonymous, HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblem(authenticated, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task IgnoreTheXTenantHeaderInProductionEvenFromLoopback()
    {
        await using var production = new InProcessApi(
            Stack, environment: "Production", services: s => s.AddSingleton<IStartupFilter>(new CallerAddress("127.0.0.1")));
        using var client = production.CreateClient();
        using var request = ApiRequests.To("localhost", HttpMethod.Get, "/students", TestTokens.For(Alpha));
        request.Headers.Add("X-Tenant", Alpha.Slug);

        using var response = await client.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MintWithoutASubjectOrALifetimeAndHonourBoth()
    {
        using var bare = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Post, "/dev/tokens", body: new { });
        using var chosen = await Stack.Api.SendAsync(
            Alpha.Host, HttpMethod.Post, "/dev/tokens", body: new { subject = "x", lifetimeMinutes = 5 });

        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(
            (await chosen.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        Assert.Equal("x", token.Subject);
        Assert.InRange(token.ValidTo - DateTime.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5.5));
        var bareToken = (await bare.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        using var listed = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", bareToken);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    private async Task<string> MintAsync(string host)
    {
        using var response = await Stack.Api.SendAsync(host, HttpMethod.Post, "/dev/tokens", body: new { subject = "coach" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }
}
