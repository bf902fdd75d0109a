using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.Authentication;

/// <summary>Step 2: a token the API validates (issuer, audience, signature, lifetime), or 401 with a Bearer challenge.</summary>
[Collection(StackCollection.Name)]
public sealed class TokenValidationShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task AskForATokenWhenThereIsNone()
    {
        using var response = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students");

        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    public static TheoryData<string, Func<AcademyPair, string>> InvalidTokens => new()
    {
        { "bad signature", s => TestTokens.Create(s.Alpha.Id.ToString(), signingKey: "another-signing-key-that-is-long-enough-0123") },
        { "expired", s => TestTokens.Create(s.Alpha.Id.ToString(), expires: DateTime.UtcNow.AddMinutes(-5)) },
        { "wrong issuer", s => TestTokens.Create(s.Alpha.Id.ToString(), issuer: "someone-else") },
        { "wrong audience", s => TestTokens.Create(s.Alpha.Id.ToString(), audience: "another-api") },
        { "alg none", s => TestTokens.Unsigned(s.Alpha) },
        { "garbage", _ => "not.a.token" },
    };

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task RefuseAnInvalidToken(string why, Func<AcademyPair, string> token)
    {
        using var response = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", token(Academies));

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: got {(int)response.StatusCode}");
        await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task KeepTheApiFromStartingWithASharedKeyOutsideDevelopment()
    {
        await using var api = new InProcessApi(Stack, environment: "Production", allowSymmetricKey: false);

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(api.StartAsync);

        Assert.Contains("Jwt:Authority", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Jwt:AllowSymmetricKey", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepTheApiFromStartingWithNeitherASigningKeyNorAnAuthority()
    {
        // Development, where a shared key would be accepted: the refusal is for having no way to check a token.
        await using var api = new InProcessApi(Stack, settings: new Dictionary<string, string>
        {
            ["Jwt:SigningKey"] = "",
            ["Jwt:Authority"] = "",
        });

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(api.StartAsync);

        Assert.Contains("Jwt:SigningKey", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Jwt:Authority", refusal.Message, StringComparison.Ordinal);
    }
}
