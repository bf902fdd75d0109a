using System.Net.Http.Headers;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>Requests as a browser or curl would send them to an academy's host.</summary>
public static class ApiRequests
{
    public static HttpRequestMessage To(string host, HttpMethod method, string path, string? token = null, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Host = host;
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public static Task<HttpResponseMessage> SendAsync(
        this HttpClient client, string host, HttpMethod method, string path, string? token = null, object? body = null) =>
        client.SendAsync(To(host, method, path, token, body));

    public static Task<HttpResponseMessage> SendAsync(
        this HttpClient client, TestTenant tenant, HttpMethod method, string path, object? body = null) =>
        client.SendAsync(To(tenant.Host, method, path, TestTokens.For(tenant), body));
}
