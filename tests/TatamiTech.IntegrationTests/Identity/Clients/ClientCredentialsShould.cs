using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Identity.Clients;

/// <summary>
/// An academy's integration signs in with the client credentials grant, through the real identity service and API: its
/// token is of its academy only, it is refused on every other host, and the API validates it through the identity
/// service's published keys.
/// </summary>
[Collection(StackCollection.Name)]
public class ClientCredentialsShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [SkippableFact]
    public async Task IssueATokenOfItsAcademyThatTheApiAcceptsThereAndRefusesElsewhere()
    {
        Stack.SkipUnlessStarted();
        var (clientId, secret) = await Stack.RegisterClientAsync(Alpha, role: "coach");

        using var issued = await Stack.ClientCredentialsAsync(Alpha.Host, clientId, secret);
        var token = await IdentityRequests.AccessTokenOfAsync(issued);

        var claims = new JsonWebToken(token);
        Assert.Equal(Alpha.Id.ToString(), claims.GetClaim("tenant_id").Value);
        Assert.Equal(clientId, claims.Subject);
        Assert.Equal("coach", claims.GetClaim("role").Value);
        Assert.Contains("tatamitech-api", claims.Audiences);
        Assert.Equal("ES256", claims.Alg);

        using var own = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", token);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using var other = await Stack.Api.SendAsync(Bravo.Host, HttpMethod.Get, "/students", token);
        await ProblemAssert.IsProblem(other, HttpStatusCode.Forbidden);
    }

    [SkippableFact]
    public async Task RefuseTheClientOnAnotherAcademysHost()
    {
        Stack.SkipUnlessStarted();
        var (clientId, secret) = await Stack.RegisterClientAsync(Alpha);

        using var refused = await Stack.ClientCredentialsAsync(Bravo.Host, clientId, secret);

        Assert.Equal("invalid_client", await IdentityRequests.ErrorOfAsync(refused));
    }

    [SkippableFact]
    public async Task RefuseAWrongSecretAnUnknownClientAndARevokedOne()
    {
        Stack.SkipUnlessStarted();
        var (clientId, secret) = await Stack.RegisterClientAsync(Alpha);

        using (var wrongSecret = await Stack.ClientCredentialsAsync(Alpha.Host, clientId, secret + "x"))
        {
            Assert.Equal("invalid_client", await IdentityRequests.ErrorOfAsync(wrongSecret));
        }

        using (var unknown = await Stack.ClientCredentialsAsync(Alpha.Host, "int_unknown", secret))
        {
            Assert.Equal("invalid_client", await IdentityRequests.ErrorOfAsync(unknown));
        }

        using (var revoke = await Stack.OperatorAsync(HttpMethod.Delete, $"/academies/{Alpha.Slug}/clients/{clientId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using var revoked = await Stack.ClientCredentialsAsync(Alpha.Host, clientId, secret);
        Assert.Equal("invalid_client", await IdentityRequests.ErrorOfAsync(revoked));
    }

    [SkippableFact]
    public async Task SignWithAKeyItPublishesAndNoSharedSecret()
    {
        Stack.SkipUnlessStarted();
        var (clientId, secret) = await Stack.RegisterClientAsync(Alpha);
        using var issued = await Stack.ClientCredentialsAsync(Alpha.Host, clientId, secret);
        var token = new JsonWebToken(await IdentityRequests.AccessTokenOfAsync(issued));

        // The discovery document answers on the issuer's own host, which names no academy.
        var discovery = JsonDocument.Parse(await Stack.Identity.GetStringAsync(ServicePaths.IdentityDiscovery)).RootElement;
        Assert.Equal(token.Issuer, discovery.GetProperty("issuer").GetString());
        var keys = JsonDocument.Parse(await Stack.Identity.GetStringAsync(discovery.GetProperty("jwks_uri").GetString()))
            .RootElement.GetProperty("keys").EnumerateArray().ToList();

        var signer = Assert.Single(keys, k => k.GetProperty("kid").GetString() == token.Kid);
        Assert.Equal("EC", signer.GetProperty("kty").GetString());
        Assert.Equal("P-256", signer.GetProperty("crv").GetString());
        Assert.All(keys, k => Assert.False(
            k.TryGetProperty("d", out _) || k.TryGetProperty("k", out _), "a private or symmetric key is published"));
    }

    [SkippableFact]
    public async Task ServeNoGrantButClientCredentials()
    {
        Stack.SkipUnlessStarted();
        var (clientId, secret) = await Stack.RegisterClientAsync(Alpha);

        using (var password = await Stack.TokenAsync(Alpha.Host, [
            new("grant_type", "password"), new("username", "a"), new("password", "b"),
            new("client_id", clientId), new("client_secret", secret)]))
        {
            Assert.Equal("unsupported_grant_type", await IdentityRequests.ErrorOfAsync(password));
        }

        using var noGrant = await Stack.TokenAsync(Alpha.Host, [new("client_id", clientId), new("client_secret", secret)]);
        Assert.Equal("invalid_request", await IdentityRequests.ErrorOfAsync(noGrant));
    }

    [SkippableFact]
    public async Task GiveNoTokenOnTheHostOfASuspendedOrErasedAcademyAndKeepNoClientOfIt()
    {
        Stack.SkipUnlessStarted();
        var closing = await Stack.CreateServedAcademyAsync("closing");
        var (clientId, secret) = await Stack.RegisterClientAsync(closing);
        await IdentityRequests.AccessTokenOfAsync(await ServedAsync(closing.Host, clientId, secret));

        using (var suspend = await Stack.OperatorAsync(
            HttpMethod.Post, $"/academies/{closing.Slug}/suspend", new { reason = "closing down" }))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        using (var suspended = await UntilAsync(closing.Host, clientId, secret, HttpStatusCode.Forbidden))
        {
            await ProblemAssert.IsProblem(suspended, HttpStatusCode.Forbidden);
        }

        using (var erase = await Stack.OperatorAsync(HttpMethod.Delete, $"/academies/{closing.Slug}"))
        {
            Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
        }

        using (var erased = await UntilAsync(closing.Host, clientId, secret, HttpStatusCode.NotFound))
        {
            await ProblemAssert.IsProblem(erased, HttpStatusCode.NotFound);
        }

        await using var owner = new NpgsqlConnection(Stack.OwnerConnectionString);
        await owner.OpenAsync();
        await using var left = new NpgsqlCommand("SELECT count(*) FROM academy_clients WHERE tenant_id = $1", owner)
        {
            Parameters = { new() { Value = closing.Id } },
        };
        Assert.Equal(0L, (long)(await left.ExecuteScalarAsync())!);
    }

    /// <summary>A token request once the identity service has heard of the academy (the directory's announcement).</summary>
    private Task<HttpResponseMessage> ServedAsync(string host, string clientId, string secret) =>
        UntilAsync(host, clientId, secret, HttpStatusCode.OK);

    /// <summary>The first answer with <paramref name="status"/>, within the propagation bound of a directory change.</summary>
    private async Task<HttpResponseMessage> UntilAsync(string host, string clientId, string secret, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var response = await Stack.ClientCredentialsAsync(host, clientId, secret);
            if (response.StatusCode == status || DateTime.UtcNow > deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(50);
        }
    }
}
