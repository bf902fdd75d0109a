using System.Text.Json;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// The platform and the Worker answer only on their own hosts (<c>AllowedHosts</c>: <c>localhost</c> in
/// Development), through the stack: a page of another site that points its own name at this machine (DNS
/// rebinding) gets 400 problem details, never a token, a reference page or a run. The probes answer on any host,
/// as an orchestrator calls them by address.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ServiceHostsShould(StackFixture stack)
{
    public static TheoryData<string> ForeignHosts => new()
    {
        "rebind.attacker.example",
        "rebind.attacker.example:5070",
        "localhost.attacker.example",
        "goldentiger.localhost",
        "127.0.0.1.nip.io",
    };

    [Theory]
    [MemberData(nameof(ForeignHosts))]
    public async Task RefuseAForeignHostOnThePlatformWithoutATokenOrAPage(string host)
    {
        using var token = await SendAsync(stack.Platform, host, HttpMethod.Post, ServicePaths.DevOperatorTokens, new { });
        using var page = await SendAsync(stack.Platform, host, HttpMethod.Get, "/scalar/");
        using var academies = await SendAsync(stack.Platform, host, HttpMethod.Get, "/academies", bearer: TestTokens.Operator());

        foreach (var refused in new[] { token, page, academies })
        {
            await ProblemAssert.IsProblem(refused, HttpStatusCode.BadRequest);
        }

        Assert.DoesNotContain("accessToken", await token.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerOnItsOwnHost()
    {
        var own = $"localhost:{stack.Platform.BaseAddress!.Port}";

        using var token = await SendAsync(stack.Platform, own, HttpMethod.Post, ServicePaths.DevOperatorTokens, new { });
        using var page = await SendAsync(stack.Platform, "LOCALHOST", HttpMethod.Get, "/scalar/");
        using var document = await SendAsync(stack.WorkerAddress, "localhost", HttpMethod.Get, "/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.False(string.IsNullOrEmpty((await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Theory]
    [MemberData(nameof(ForeignHosts))]
    public async Task RefuseAForeignHostOnTheWorkerWithoutARun(string host)
    {
        using var worker = new HttpClient { BaseAddress = stack.WorkerAddress };
        using var request = ApiRequests.To(host, HttpMethod.Post, ServicePaths.RosterRunNow);
        request.Headers.Add(HeaderNames.RunKey, StackFixture.WorkerRunKey);

        using var run = await worker.SendAsync(request);
        using var document = await SendAsync(stack.WorkerAddress, host, HttpMethod.Get, "/openapi/v1.json");

        await ProblemAssert.IsProblem(run, HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblem(document, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(ServicePaths.Health)]
    [InlineData(ServicePaths.Alive)]
    public async Task AnswerProbesOnAnyHost(string path)
    {
        // An orchestrator probes a pod by its address, and a probe's answer tells nothing more than that.
        foreach (var service in new[] { stack.Platform.BaseAddress!, stack.WorkerAddress })
        {
            using var probe = await SendAsync(service, "10.244.1.17:8080", HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }
    }

    private static Task<HttpResponseMessage> SendAsync(
        HttpClient client, string host, HttpMethod method, string path, object? body = null, string? bearer = null) =>
        client.SendAsync(ApiRequests.To(host, method, path, bearer, body));

    private static async Task<HttpResponseMessage> SendAsync(Uri service, string host, HttpMethod method, string path)
    {
        using var client = new HttpClient { BaseAddress = service };
        return await client.SendAsync(ApiRequests.To(host, method, path));
    }
}
