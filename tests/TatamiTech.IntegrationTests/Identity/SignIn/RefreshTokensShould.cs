using System.Text.Json;
using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Identity.SignIn;

/// <summary>
/// Refresh tokens of an app that asked for offline access, through the real identity service: replaced at each use, a
/// replaced one used again revokes the whole grant, and a refresh stops with the membership or the academy.
/// </summary>
[Collection(StackCollection.Name)]
public class RefreshTokensShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    private const string OfflineAccess = "openid offline_access";

    [SkippableFact]
    public async Task ReplaceTheRefreshTokenAtEachUse()
    {
        Stack.SkipUnlessStarted();
        var (flow, first) = await SignedInAsync(Alpha);

        var second = await RefreshedAsync(flow, Alpha, first);
        var third = await RefreshedAsync(flow, Alpha, second.RefreshToken);

        Assert.NotEqual(first, second.RefreshToken);
        Assert.NotEqual(second.RefreshToken, third.RefreshToken);
        using var served = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", third.AccessToken);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [SkippableFact]
    public async Task RevokeTheGrantWhenAReplacedTokenIsUsedAgain()
    {
        Stack.SkipUnlessStarted();
        var (flow, first) = await SignedInAsync(Alpha);
        var second = await RefreshedAsync(flow, Alpha, first);

        using (var replayed = await flow.RefreshAsync(Alpha, first))
        {
            Assert.Equal("invalid_grant", await IdentityRequests.ErrorOfAsync(replayed));
        }

        // The latest token went with its grant: whoever replayed the old one, nobody refreshes this sign-in again.
        using var revoked = await flow.RefreshAsync(Alpha, second.RefreshToken);
        Assert.Equal("invalid_grant", await IdentityRequests.ErrorOfAsync(revoked));
    }

    [SkippableFact]
    public async Task RefuseARefreshOnAnotherAcademysHost()
    {
        Stack.SkipUnlessStarted();
        var (flow, first) = await SignedInAsync(Alpha);

        using var refused = await flow.RefreshAsync(Bravo, first);

        Assert.Equal("invalid_grant", await IdentityRequests.ErrorOfAsync(refused));
    }

    [SkippableFact]
    public async Task StopWhenTheMembershipEnds()
    {
        Stack.SkipUnlessStarted();
        var (email, password) = await CodeFlow.MemberAsync(Stack, Alpha, "coach");
        var flow = new CodeFlow(Stack, OfflineAccess);
        var first = await RefreshTokenOfAsync(flow, Alpha, email, password);

        await using (var owner = new NpgsqlConnection(Stack.OwnerConnectionString))
        {
            await owner.OpenAsync();
            await using var end = new NpgsqlCommand(
                "DELETE FROM memberships WHERE tenant_id = $1 AND account_id = (SELECT id FROM accounts WHERE email = $2)", owner)
            {
                Parameters = { new() { Value = Alpha.Id }, new() { Value = email } },
            };
            Assert.Equal(1, await end.ExecuteNonQueryAsync());
        }

        using var refused = await flow.RefreshAsync(Alpha, first);
        Assert.Equal("invalid_grant", await IdentityRequests.ErrorOfAsync(refused));
    }

    [SkippableFact]
    public async Task GiveNoRefreshTokenWithoutOfflineAccess()
    {
        Stack.SkipUnlessStarted();
        var (email, password) = await CodeFlow.MemberAsync(Stack, Alpha, "coach");
        var flow = new CodeFlow(Stack);
        using var signedIn = await flow.SignInAsync(Alpha, Alpha, email, password);
        using var redeemed = await flow.RedeemAsync(Alpha, CodeFlow.CodeOf(signedIn));

        await IdentityRequests.AccessTokenOfAsync(redeemed);
        var body = JsonDocument.Parse(await redeemed.Content.ReadAsStringAsync()).RootElement;
        Assert.False(body.TryGetProperty("refresh_token", out _));
    }

    private async Task<(CodeFlow Flow, string RefreshToken)> SignedInAsync(TestTenant academy)
    {
        var (email, password) = await CodeFlow.MemberAsync(Stack, academy, "coach");
        var flow = new CodeFlow(Stack, OfflineAccess);
        return (flow, await RefreshTokenOfAsync(flow, academy, email, password));
    }

    private static async Task<string> RefreshTokenOfAsync(CodeFlow flow, TestTenant academy, string email, string password)
    {
        using var signedIn = await flow.SignInAsync(academy, academy, email, password);
        using var redeemed = await flow.RedeemAsync(academy, CodeFlow.CodeOf(signedIn));
        await IdentityRequests.AccessTokenOfAsync(redeemed);
        return JsonDocument.Parse(await redeemed.Content.ReadAsStringAsync()).RootElement.GetProperty("refresh_token").GetString()!;
    }

    private static async Task<(string AccessToken, string RefreshToken)> RefreshedAsync(CodeFlow flow, TestTenant academy, string token)
    {
        using var refreshed = await flow.RefreshAsync(academy, token);
        var access = await IdentityRequests.AccessTokenOfAsync(refreshed);
        var body = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync()).RootElement;
        return (access, body.GetProperty("refresh_token").GetString()!);
    }
}
