using System.Text.Json;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>Requests to the identity service as an integration sends them: a form to the token endpoint of its academy's host.</summary>
public static class IdentityRequests
{
    /// <summary>The form posted to the token endpoint on <paramref name="host"/>.</summary>
    public static Task<HttpResponseMessage> TokenAsync(this StackFixture stack, string host, IEnumerable<KeyValuePair<string, string>> form)
    {
        var request = ApiRequests.To(host, HttpMethod.Post, ServicePaths.IdentityToken);
        request.Content = new FormUrlEncodedContent(form);
        return stack.Identity.SendAsync(request);
    }

    public static Task<HttpResponseMessage> ClientCredentialsAsync(this StackFixture stack, string host, string clientId, string secret) =>
        stack.TokenAsync(host, [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret)]);

    /// <summary>An integration of <paramref name="academy"/>, registered by an operator; its secret comes back this once.</summary>
    public static async Task<(string ClientId, string Secret)> RegisterClientAsync(
        this StackFixture stack, TestTenant academy, string role = "front-desk")
    {
        using var registered = await stack.OperatorAsync(
            HttpMethod.Post, $"/academies/{academy.Slug}/clients", new { name = "Front desk app", role });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var body = JsonDocument.Parse(await registered.Content.ReadAsStringAsync()).RootElement;
        return (body.GetProperty("clientId").GetString()!, body.GetProperty("clientSecret").GetString()!);
    }

    /// <summary>The access token of a token response, which must be a success.</summary>
    public static async Task<string> AccessTokenOfAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The OIDC error code of a refusal (RFC 6749 section 5.2), which must not be a 5xx and must carry no token.</summary>
    public static async Task<string> ErrorOfAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        Assert.False(json.TryGetProperty("access_token", out _));
        return json.GetProperty("error").GetString()!;
    }
}
