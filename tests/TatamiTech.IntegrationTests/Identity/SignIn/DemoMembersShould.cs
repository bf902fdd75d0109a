using Microsoft.IdentityModel.JsonWebTokens;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.MigrationService.Seeding;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Identity.SignIn;

/// <summary>The demo academies' members sign in with the password the AppHost's parameter holds, one per role.</summary>
[Collection(StackCollection.Name)]
public class DemoMembersShould(StackFixture stack)
{
    [SkippableTheory]
    [InlineData("owner")]
    [InlineData("coach")]
    [InlineData("front-desk")]
    [InlineData("student")]
    public async Task SignInToTheDemoAcademyWithTheParametersPassword(string role)
    {
        stack.SkipUnlessStarted();
        var goldenTiger = TestTenant.From(DemoAcademies.GoldenTiger);
        var flow = new CodeFlow(stack);

        using var signedIn = await flow.SignInAsync(
            goldenTiger, goldenTiger, $"{role}@{DemoAcademySlugs.GoldenTiger}.example", StackFixture.DemoMemberPassword);
        using var redeemed = await flow.RedeemAsync(goldenTiger, CodeFlow.CodeOf(signedIn));

        var token = new JsonWebToken(await IdentityRequests.AccessTokenOfAsync(redeemed));
        Assert.Equal(role, token.GetClaim("role").Value);
        Assert.Equal(goldenTiger.Id.ToString(), token.GetClaim("tenant_id").Value);
    }

    [SkippableFact]
    public async Task RefuseADemoMemberOnTheOtherDemoAcademy()
    {
        stack.SkipUnlessStarted();
        var ironCrane = TestTenant.From(DemoAcademies.IronCrane);
        var flow = new CodeFlow(stack);

        using var refused = await flow.SignInAsync(
            ironCrane, ironCrane, $"owner@{DemoAcademySlugs.GoldenTiger}.example", StackFixture.DemoMemberPassword);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("do not sign in to this academy", await refused.Content.ReadAsStringAsync());
    }
}
