using Microsoft.IdentityModel.JsonWebTokens;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Identity.SignIn;

/// <summary>
/// A person signs in to an app through the real identity service on their academy's host: the code flow with PKCE gives
/// a token of that academy with their role, which the API accepts there and refuses elsewhere; nothing else gets one.
/// </summary>
[Collection(StackCollection.Name)]
public class CodeFlowShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [SkippableFact]
    public async Task GiveAMemberATokenOfTheirAcademyWithTheirRole()
    {
        Stack.SkipUnlessStarted();
        var (email, password) = await CodeFlow.MemberAsync(Stack, Alpha, "coach");
        var flow = new CodeFlow(Stack);

        using (var form = await flow.OpenAsync(Alpha, flow.AuthorizeQuery(Alpha)))
        {
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
            Assert.Contains("name=\"password\"", await form.Content.ReadAsStringAsync());
        }

        using var signedIn = await flow.SignInAsync(Alpha, Alpha, email, password);
        Assert.StartsWith(CodeFlow.RedirectUri(Alpha), signedIn.Headers.Location!.ToString());
        using var redeemed = await flow.RedeemAsync(Alpha, CodeFlow.CodeOf(signedIn));
        var token = await IdentityRequests.AccessTokenOfAsync(redeemed);

        var claims = new JsonWebToken(token);
        Assert.Equal(Alpha.Id.ToString(), claims.GetClaim("tenant_id").Value);
        Assert.Equal("coach", claims.GetClaim("role").Value);
        Assert.True(Guid.TryParse(claims.Subject, out _));
        Assert.False(claims.TryGetClaim("tatamitech_grant", out _), "the grant id is for the code only");
        using var own = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", token);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using var other = await Stack.Api.SendAsync(Bravo.Host, HttpMethod.Get, "/students", token);
        await ProblemAssert.IsProblem(other, HttpStatusCode.Forbidden);
    }

    [SkippableFact]
    public async Task GiveNoCodeToAMemberOfAnotherAcademy()
    {
        Stack.SkipUnlessStarted();
        var (email, password) = await CodeFlow.MemberAsync(Stack, Alpha, "owner");
        var flow = new CodeFlow(Stack);

        using var refused = await flow.SignInAsync(Bravo, Bravo, email, password);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("do not sign in to this academy", await refused.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task RedeemACodeOnceOnlyAndOnlyWithItsVerifier()
    {
        Stack.SkipUnlessStarted();
        var (email, password) = await CodeFlow.MemberAsync(Stack, Alpha, "student");
        var flow = new CodeFlow(Stack);

        using var first = await flow.SignInAsync(Alpha, Alpha, email, password);
        var code = CodeFlow.CodeOf(first);
        using (var wrongVerifier = await flow.RedeemAsync(Alpha, code, verifier: new CodeFlow(Stack).Verifier))
        {
            Assert.Equal("invalid_grant", await IdentityRequests.ErrorOfAsync(wrongVerifier));
        }

        using (var otherHost = await flow.RedeemAsync(Bravo, code))
        {
            Assert.Equal("invalid_grant", await IdentityRequests.ErrorOfAsync(otherHost));
        }

        using (var redeemed = await flow.RedeemAsync(Alpha, code))
        {
            await IdentityRequests.AccessTokenOfAsync(redeemed);
        }

        using var replayed = await flow.RedeemAsync(Alpha, code);
        Assert.Equal("invalid_grant", await IdentityRequests.ErrorOfAsync(replayed));
    }

    [SkippableFact]
    public async Task RefuseARequestWithoutPkceOrWithAnotherRedirect()
    {
        Stack.SkipUnlessStarted();
        var flow = new CodeFlow(Stack);

        using (var noPkce = await flow.OpenAsync(Alpha, flow.AuthorizeQuery(Alpha, pkce: false)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noPkce.StatusCode);
            Assert.Null(noPkce.Headers.Location);
        }

        // Another academy's address, or anyone's: no redirect at all, so no code or error goes there.
        foreach (var redirect in new[] { CodeFlow.RedirectUri(Bravo), "https://attacker.example/cb" })
        {
            using var refused = await flow.OpenAsync(Alpha, flow.AuthorizeQuery(Alpha, redirectUri: redirect));
            Assert.True((int)refused.StatusCode is >= 400 and < 500, $"{redirect}: {(int)refused.StatusCode}");
            Assert.Null(refused.Headers.Location);
        }
    }

    [SkippableFact]
    public async Task LockAnAccountAfterRepeatedFailures()
    {
        Stack.SkipUnlessStarted();
        var (email, password) = await CodeFlow.MemberAsync(Stack, Alpha, "front-desk");
        var flow = new CodeFlow(Stack);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await flow.SignInAsync(Alpha, Alpha, email, password + "x");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        using var locked = await flow.SignInAsync(Alpha, Alpha, email, password);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("do not sign in to this academy", await locked.Content.ReadAsStringAsync());
    }
}
