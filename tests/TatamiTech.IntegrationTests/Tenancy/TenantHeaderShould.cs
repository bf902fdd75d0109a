using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Tenancy;

/// <summary>
/// The X-Tenant fallback (on in Development, where the stack runs): used only when the host names no
/// tenant; never overrides the host; a disagreeing header is refused.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TenantHeaderShould(StackFixture stack)
{
    [Fact]
    public async Task ServeAnInternalCallerThatNamesItsTenantInTheHeader()
    {
        using var request = ApiRequests.To("localhost", HttpMethod.Get, "/students", TestTokens.For(stack.Alpha));
        request.Headers.Add("X-Tenant", stack.Alpha.Slug);

        using var response = await stack.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StillBindTheTokenToTheHeaderTenant()
    {
        using var request = ApiRequests.To("localhost", HttpMethod.Get, "/students", TestTokens.For(stack.Alpha));
        request.Headers.Add("X-Tenant", stack.Bravo.Slug);

        using var response = await stack.Api.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task RefuseAHeaderThatConflictsWithTheHost()
    {
        // A forged header with the other tenant's token: neither may override the host.
        using var request = ApiRequests.To(stack.Alpha.Host, HttpMethod.Get, "/students", TestTokens.For(stack.Bravo));
        request.Headers.Add("X-Tenant", stack.Bravo.Slug);

        using var response = await stack.Api.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task RefuseAConflictingHeaderEvenWithTheHostTenantsToken()
    {
        using var request = ApiRequests.To(stack.Alpha.Host, HttpMethod.Get, "/students", TestTokens.For(stack.Alpha));
        request.Headers.Add("X-Tenant", stack.Bravo.Slug);

        using var response = await stack.Api.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AcceptAHeaderThatAgreesWithTheHost()
    {
        using var request = ApiRequests.To(stack.Alpha.Host, HttpMethod.Get, "/students", TestTokens.For(stack.Alpha));
        request.Headers.Add("X-Tenant", stack.Alpha.Slug.ToUpperInvariant());

        using var response = await stack.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RefuseAHeaderNamingAnUnknownTenant()
    {
        using var request = ApiRequests.To("localhost", HttpMethod.Get, "/students", TestTokens.For(stack.Alpha));
        request.Headers.Add("X-Tenant", "nosuchacademy");

        using var response = await stack.Api.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
    }
}
