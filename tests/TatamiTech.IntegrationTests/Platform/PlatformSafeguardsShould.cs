using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Platform;

/// <summary>
/// What keeps the platform safe where it is deployed, as the API is kept: no development token minting outside
/// Development, no shared signing key there unless allowed, no start without a way to check tokens, and none
/// under a role the wall does not bind.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PlatformSafeguardsShould(StackFixture stack)
{
    [Fact]
    public async Task MintNoOperatorTokenOutsideDevelopment()
    {
        await using var development = new InProcessPlatform(stack, environment: "Development");
        await using var production = new InProcessPlatform(stack);

        using var minted = await MintAsync(development, "localhost");
        using var refused = await MintAsync(production, InProcessPlatform.ProductionHost);

        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        await ProblemAssert.IsProblem(refused, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RefuseToStartWithASharedKeyOutsideDevelopment()
    {
        await using var platform = new InProcessPlatform(stack, allowSymmetricKey: false);

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(platform.StartAsync);

        Assert.Contains("Jwt:Authority", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Jwt:AllowSymmetricKey", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefuseToStartWithNeitherASigningKeyNorAnAuthority()
    {
        await using var platform = new InProcessPlatform(stack, environment: "Development", settings: new Dictionary<string, string>
        {
            ["Jwt:SigningKey"] = "",
            ["Jwt:Authority"] = "",
        });

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(platform.StartAsync);

        Assert.Contains("Jwt:SigningKey", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Jwt:Authority", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefuseToStartAsARoleTheWallDoesNotBind()
    {
        await using var platform = new InProcessPlatform(stack, platformConnectionString: stack.OwnerConnectionString);

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(platform.StartAsync);

        Assert.Contains("is a superuser", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(DatabaseRoles.Platform, refusal.Message, StringComparison.Ordinal);
    }

    /// <summary>With an operator's token, so that what answers is whether the route exists, not authorization.</summary>
    private static async Task<HttpResponseMessage> MintAsync(InProcessPlatform platform, string host)
    {
        using var client = platform.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dev/operator-tokens") { Content = JsonContent.Create(new { }) };
        request.Headers.Host = host;
        request.Headers.Authorization = new("Bearer", TestTokens.Operator());
        return await client.SendAsync(request);
    }
}
