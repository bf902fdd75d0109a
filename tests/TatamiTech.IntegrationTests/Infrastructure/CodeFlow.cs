using System.Security.Cryptography;
using System.Text;
using System.Web;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using TatamiTech.Data.Identity;
using TatamiTech.Data.Wall;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// The authorization code flow with PKCE as an app runs it against the identity service on an academy's host: open the
/// sign-in form, post the person's email and password with the request, take the code from the redirect, redeem it.
/// </summary>
/// <param name="scope">What the app asks for: <c>openid offline_access</c> for a refresh token as well.</param>
public sealed class CodeFlow(StackFixture stack, string scope = "openid")
{
    public const string App = "tatamitech-app";

    public string Verifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string RedirectUri(TestTenant academy) => $"http://{academy.Slug}.localhost/signed-in";

    /// <summary>A person with a membership in <paramref name="academy"/>, written past the wall as an operator would.</summary>
    public static async Task<(string Email, string Password)> MemberAsync(StackFixture stack, TestTenant academy, string role)
    {
        var email = $"p{Guid.NewGuid():N}@example.com";
        var password = Base64Url(RandomNumberGenerator.GetBytes(16));
        var hash = new PasswordHasher<Account>().HashPassword(null!, password);
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var enter = TenantSetting.For(connection, transaction, academy.Id))
        {
            await enter.ExecuteNonQueryAsync();
        }

        await using var insert = new NpgsqlCommand("""
            WITH account AS (INSERT INTO accounts (id, email, password_hash) VALUES (gen_random_uuid(), $1, $2) RETURNING id)
            INSERT INTO memberships (tenant_id, id, account_id, role) SELECT $3, gen_random_uuid(), id, $4 FROM account
            """, connection, transaction)
        {
            Parameters = { new() { Value = email }, new() { Value = hash }, new() { Value = academy.Id }, new() { Value = role } },
        };
        await insert.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return (email, password);
    }

    /// <summary>The authorization request's query, with this flow's PKCE challenge unless <paramref name="pkce"/> is false.</summary>
    public string AuthorizeQuery(TestTenant academy, bool pkce = true, string? redirectUri = null)
    {
        var query = HttpUtility.ParseQueryString(string.Empty);
        query["client_id"] = App;
        query["response_type"] = "code";
        query["redirect_uri"] = redirectUri ?? RedirectUri(academy);
        query["scope"] = scope;
        query["state"] = "s1";
        if (pkce)
        {
            query["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));
            query["code_challenge_method"] = "S256";
        }

        return $"{ServicePaths.IdentityAuthorize}?{query}";
    }

    public Task<HttpResponseMessage> OpenAsync(TestTenant academy, string query) =>
        stack.Identity.SendAsync(ApiRequests.To(academy.Host, HttpMethod.Get, query));

    /// <summary>The sign-in form posted with the request's parameters and the person's credentials (no redirect followed).</summary>
    public Task<HttpResponseMessage> SignInAsync(TestTenant host, TestTenant codeAcademy, string email, string password)
    {
        var fields = HttpUtility.ParseQueryString(new Uri("http://x" + AuthorizeQuery(codeAcademy)).Query);
        var form = fields.AllKeys.Select(k => new KeyValuePair<string, string>(k!, fields[k]!)).ToList();
        form.Add(new("email", email));
        form.Add(new("password", password));
        var request = ApiRequests.To(host.Host, HttpMethod.Post, ServicePaths.IdentityAuthorize);
        request.Content = new FormUrlEncodedContent(form);
        return stack.Identity.SendAsync(request);
    }

    /// <summary>The code of a redirect back to the app, which must be one.</summary>
    public static string CodeOf(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}, not a redirect");
        var query = HttpUtility.ParseQueryString(response.Headers.Location!.Query);
        Assert.Equal("s1", query["state"]);
        return query["code"] ?? throw new InvalidOperationException($"No code in {response.Headers.Location}");
    }

    public Task<HttpResponseMessage> RedeemAsync(TestTenant academy, string code, string? verifier = null) =>
        stack.TokenAsync(academy.Host, [
            new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", RedirectUri(academy)),
            new("client_id", App), new("code_verifier", verifier ?? Verifier)]);

    public Task<HttpResponseMessage> RefreshAsync(TestTenant academy, string refreshToken) =>
        stack.TokenAsync(academy.Host, [new("grant_type", "refresh_token"), new("refresh_token", refreshToken), new("client_id", App)]);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
