using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.Binding;

/// <summary>Step 3: a valid token of this very tenant (403 otherwise); step 2, validation, has its own tests.</summary>
[Collection(StackCollection.Name)]
public sealed class TokenBindingShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task ServeATokenOfTheHostTenant()
    {
        using var response = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, "/students");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RefuseTheOtherTenantsToken()
    {
        using var response = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", TestTokens.For(Bravo));

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task RefuseATokenWithoutATenant()
    {
        using var response = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", TestTokens.Create(tenantId: null));

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("")]
    public async Task RefuseATokenWithAMalformedTenant(string tenantId)
    {
        using var response = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", TestTokens.Create(tenantId));

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    /// <summary>Tenant claims that are not exactly one string holding the academy's id.</summary>
    public static TheoryData<string, Func<AcademyPair, object>> AmbiguousTenantClaims => new()
    {
        { "the host's academy first in an array", s => new[] { s.Alpha.Id.ToString(), s.Bravo.Id.ToString() } },
        { "the host's academy twice", s => new[] { s.Alpha.Id.ToString(), s.Alpha.Id.ToString() } },
        { "an object", s => new Dictionary<string, object> { ["id"] = s.Alpha.Id.ToString() } },
        { "a number", _ => 42 },
        { "the id in braces", s => $"{{{s.Alpha.Id}}}" },
        { "the id without hyphens", s => s.Alpha.Id.ToString("N") },
        { "the id with a space before it", s => $" {s.Alpha.Id}" },
        { "the id with a space after it", s => $"{s.Alpha.Id} " },
        { "the id with a line break after it", s => $"{s.Alpha.Id}\n" },
        { "the id in upper case", s => s.Alpha.Id.ToString().ToUpperInvariant() },
        { "the id as hexadecimal groups", s => s.Alpha.Id.ToString("X") },
        { "the id in parentheses", s => s.Alpha.Id.ToString("P") },
    };

    /// <summary>The one spelling tokens are issued with: lower case, 8-4-4-4-12.</summary>
    [Fact]
    public async Task ServeTheTenantIdInItsCanonicalForm()
    {
        var token = TestTokens.WithTenantClaim(Alpha.Id.ToString("D"));

        using var response = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AmbiguousTenantClaims))]
    public async Task RefuseATokenUnlessItHoldsExactlyOneTenantIdString(string why, Func<AcademyPair, object> claim)
    {
        var token = TestTokens.WithTenantClaim(claim(Academies));

        using var response = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", token);

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, why);
        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("GET", "/students")]
    [InlineData("POST", "/students")]
    [InlineData("GET", "/students/00000000-0000-0000-0000-000000000001")]
    [InlineData("PUT", "/students/00000000-0000-0000-0000-000000000001")]
    [InlineData("DELETE", "/students/00000000-0000-0000-0000-000000000001")]
    [InlineData("GET", "/no-such-route")]
    public async Task BindEveryRouteToTheTenant(string method, string path)
    {
        using var response = await Stack.Api.SendAsync(
            Alpha.Host, new HttpMethod(method), path, TestTokens.For(Bravo),
            body: method is "POST" or "PUT" ? new { } : null);

        await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
    }
}
