using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.Resolution;

/// <summary>
/// The X-Tenant fallback (loopback callers are trusted in Development, where the stack runs): used only
/// from a trusted caller on a root domain when the host names no tenant; never overrides the host; a
/// disagreeing header is refused.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TenantHeaderShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task ServeAnInternalCallerThatNamesItsTenantInTheHeader()
    {
        using var request = ApiRequests.To("localhost", HttpMethod.Get, "/students", TestTokens.For(Alpha));
        request.Headers.Add("X-Tenant", Alpha.Slug);

        using var response = await Stack.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Who sends what: a host (or none), the academy whose token is used, and the header.</summary>
    public static TheoryData<string, bool, string, string> RefusedCombinations => new()
    {
        // The header names a tenant, but the token is another academy's: the binding still holds.
        { "header tenant, other academy's token", false, "alpha", "bravo" },
        // A forged header with the other academy's token: neither may override the host.
        { "host alpha, bravo's token and header", true, "bravo", "bravo" },
        // The host's own token does not make a conflicting header acceptable.
        { "host alpha, alpha's token, bravo's header", true, "alpha", "bravo" },
    };

    [Theory]
    [MemberData(nameof(RefusedCombinations))]
    public async Task RefuseAHeaderThatDisagreesWithTheHostOrTheToken(string combination, bool onAlphaHost, string tokenOf, string header)
    {
        using var request = ApiRequests.To(
            onAlphaHost ? Alpha.Host : "localhost", HttpMethod.Get, "/students", TestTokens.For(Academy(tokenOf)));
        request.Headers.Add("X-Tenant", Academy(header).Slug);

        using var response = await Stack.Api.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, combination);
        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AcceptAHeaderThatAgreesWithTheHost()
    {
        using var request = ApiRequests.To(Alpha.Host, HttpMethod.Get, "/students", TestTokens.For(Alpha));
        request.Headers.Add("X-Tenant", Alpha.Slug.ToUpperInvariant());

        using var response = await Stack.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("rebound.attacker.test")]
    [InlineData("127.0.0.1")]
    public async Task AnswerNotFoundToTheHeaderOnAHostThatIsNotARootDomain(string host)
    {
        // A page elsewhere that points its own name at this service (DNS rebinding) cannot name an academy.
        using var request = ApiRequests.To(host, HttpMethod.Get, "/students", TestTokens.For(Alpha));
        request.Headers.Add("X-Tenant", Alpha.Slug);

        using var response = await Stack.Api.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task IgnoreTheHeaderOfACallerOutsideTheTrustedNetworks()
    {
        await using var api = new InProcessApi(Stack, services: s => s.AddSingleton<IStartupFilter>(new CallerAddress("203.0.113.7")));
        using var client = api.CreateClient();
        using var request = ApiRequests.To("localhost", HttpMethod.Get, "/students", TestTokens.For(Alpha));
        request.Headers.Add("X-Tenant", Alpha.Slug);

        using var response = await client.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RefuseAHeaderNamingAnUnknownTenant()
    {
        using var request = ApiRequests.To("localhost", HttpMethod.Get, "/students", TestTokens.For(Alpha));
        request.Headers.Add("X-Tenant", "nosuchacademy");

        using var response = await Stack.Api.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
    }

    private TestTenant Academy(string name) => name == "alpha" ? Alpha : Bravo;
}
