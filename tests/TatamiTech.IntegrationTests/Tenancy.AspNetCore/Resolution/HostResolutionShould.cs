using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.Resolution;

/// <summary>Step 1: the host names a known tenant, or the request goes nowhere (404, fail closed).</summary>
[Collection(StackCollection.Name)]
public sealed class HostResolutionShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Theory]
    [InlineData("{0}.localhost")]
    [InlineData("{0}.LOCALHOST")]
    [InlineData("{0}.localhost.")]
    public async Task ServeAKnownTenantHostWrittenAnyWay(string hostFormat)
    {
        var host = string.Format(System.Globalization.CultureInfo.InvariantCulture, hostFormat, Alpha.Slug.ToUpperInvariant());

        using var response = await Stack.Api.SendAsync(host, HttpMethod.Get, "/students", TestTokens.For(Alpha));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("nosuchacademy.localhost")]
    [InlineData("localhost")]
    [InlineData("tatamitech.com")]
    [InlineData("a.b.localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("evil.example.com")]
    [InlineData("bad_slug.localhost")]
    [InlineData("xn--a.localhost")]
    [InlineData("xn--.localhost")]
    [InlineData("XN--abc.localhost")]
    [InlineData("ab--cd.localhost")]
    public async Task AnswerNotFoundWhenTheHostNamesNoKnownTenant(string host)
    {
        // Even with a valid token of a real tenant: the host decides, and it names none.
        using var response = await Stack.Api.SendAsync(host, HttpMethod.Get, "/students", TestTokens.For(Alpha));

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnswerAnUnknownTenantExactlyAsAHostThatNamesNone()
    {
        using var unknown = await Stack.Api.SendAsync("nosuchacademy.localhost", HttpMethod.Get, "/students");
        using var none = await Stack.Api.SendAsync("evil.example.com", HttpMethod.Get, "/students");

        var a = await ProblemAssert.IsProblem(unknown, HttpStatusCode.NotFound);
        var b = await ProblemAssert.IsProblem(none, HttpStatusCode.NotFound);
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
        Assert.Equal(a.GetProperty("type").GetString(), b.GetProperty("type").GetString());
    }

    [Fact]
    public async Task NestTheOtherTenantUnderNoTenant()
    {
        // alpha.bravo.localhost must not resolve to either academy.
        var host = $"{Alpha.Slug}.{Bravo.Slug}.localhost";

        using var response = await Stack.Api.SendAsync(host, HttpMethod.Get, "/students", TestTokens.For(Bravo));

        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task LeaveHealthProbesOutsideTenancy()
    {
        using var response = await Stack.Api.SendAsync("localhost", HttpMethod.Get, "/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
