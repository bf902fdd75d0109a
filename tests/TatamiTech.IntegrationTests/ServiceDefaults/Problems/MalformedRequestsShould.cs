using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.ServiceDefaults.Problems;

/// <summary>
/// Whatever a caller sends, a request the framework cannot bind is the caller's mistake: 400, 413 or 415
/// problem details with a reason, through the real stack (Kestrel, Development), never a 500.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class MalformedRequestsShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    /// <summary>Bodies that are not the JSON <c>POST /students</c> takes.</summary>
    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "truncated", "{" },
        { "an array", "[]" },
        { "null", "null" },
        { "a number for a name", """{"firstName": 5, "lastName": "x", "email": "x@example.com", "beltRank": "white"}""" },
        { "nested thousands deep", new string('[', 5000) + new string(']', 5000) },
        { "not JSON at all", "firstName=Aiko" },
        { "an empty body", "" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task AnswerBadRequestToABodyThatIsNotTheEndpointsJson(string why, string body)
    {
        foreach (var (method, path) in new[] { (HttpMethod.Post, "/students"), (HttpMethod.Put, $"/students/{Guid.NewGuid()}") })
        {
            using var response = await SendRawAsync(method, path, body, "application/json");

            var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
            Assert.True(problem.TryGetProperty("detail", out var detail) && detail.GetString()!.Length > 0, why);
        }
    }

    [Fact]
    public async Task AnswerUnsupportedMediaTypeToABodyThatIsNotJson()
    {
        using var response = await SendRawAsync(HttpMethod.Post, "/students", "{}", "text/plain");

        await ProblemAssert.IsProblem(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task AnswerContentTooLargeToABodyOverTheLimit()
    {
        var name = new string('x', 70 * 1024);
        var body = $$"""{"firstName": "{{name}}", "lastName": "x", "email": "x@example.com", "beltRank": "white"}""";

        using var response = await SendRawAsync(HttpMethod.Post, "/students", body, "application/json");

        await ProblemAssert.IsProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("/reports/roster?from=2026-13-01&to=2026-13-02")]
    [InlineData("/reports/roster?from=yesterday&to=today")]
    [InlineData("/students?page=one")]
    [InlineData("/students?pageSize=99999999999999999999")]
    public async Task AnswerBadRequestToAQueryValueThatDoesNotParse(string path)
    {
        using var response = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, path);

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task WriteNoErrorForAnyOfThem()
    {
        var logs = new LogCaptureProcessor();
        await using var api = new InProcessApi(Stack, logging: l => l.AddOpenTelemetry(o => o.AddProcessor(logs)));
        using var client = api.CreateClient();
        logs.Records.Clear();

        var statuses = new List<HttpStatusCode>();
        foreach (var body in MalformedBodies.Select(row => (string)row[1]))
        {
            using var response = await client.SendAsync(RawRequest(HttpMethod.Post, "/students", body, "application/json"));
            statuses.Add(response.StatusCode);
        }

        using (var query = await client.SendAsync(Alpha, HttpMethod.Get, "/reports/roster?from=2026-13-01&to=2026-13-02"))
        {
            statuses.Add(query.StatusCode);
        }

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.BadRequest, status));
        Assert.DoesNotContain(logs.Records, r => r.Level >= LogLevel.Error);
    }

    /// <summary>
    /// The same requests to the API in Production, where the framework's binding failures are not thrown as
    /// they are in Development but answered where they happen: the answers must not change with it. (The
    /// 413 is Kestrel's, which an in-process server does not run; the stack's test above covers it.)
    /// </summary>
    [Fact]
    public async Task AnswerEachOfThemAlikeInProduction()
    {
        var logs = new LogCaptureProcessor();
        await using var api = new InProcessApi(
            Stack, environment: "Production", logging: l => l.AddOpenTelemetry(o => o.AddProcessor(logs)));
        using var client = api.CreateClient();
        var host = $"{Alpha.Slug}.tatamitech.com";
        logs.Records.Clear();

        foreach (var (why, body) in MalformedBodies.Select(row => ((string)row[0], (string)row[1])))
        {
            foreach (var (method, path) in new[] { (HttpMethod.Post, "/students"), (HttpMethod.Put, $"/students/{Guid.NewGuid()}") })
            {
                using var response = await client.SendAsync(RawRequest(host, method, path, body, "application/json"));

                var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
                Assert.True(problem.TryGetProperty("detail", out var detail) && detail.GetString()!.Length > 0, why);
            }
        }

        using (var notJson = await client.SendAsync(RawRequest(host, HttpMethod.Post, "/students", "{}", "text/plain")))
        {
            await ProblemAssert.IsProblem(notJson, HttpStatusCode.UnsupportedMediaType);
        }

        foreach (var path in new[] { "/reports/roster?from=2026-13-01&to=2026-13-02", "/students?page=one" })
        {
            using var query = await client.SendAsync(host, HttpMethod.Get, path, TestTokens.For(Alpha));
            await ProblemAssert.IsProblem(query, HttpStatusCode.BadRequest);
        }

        Assert.DoesNotContain(logs.Records, r => r.Level >= LogLevel.Error);
    }

    private Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string body, string contentType) =>
        Stack.Api.SendAsync(RawRequest(Alpha.Host, method, path, body, contentType));

    private HttpRequestMessage RawRequest(HttpMethod method, string path, string body, string contentType) =>
        RawRequest(Alpha.Host, method, path, body, contentType);

    private HttpRequestMessage RawRequest(string host, HttpMethod method, string path, string body, string contentType)
    {
        var request = ApiRequests.To(host, method, path, TestTokens.For(Alpha));
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return request;
    }
}
