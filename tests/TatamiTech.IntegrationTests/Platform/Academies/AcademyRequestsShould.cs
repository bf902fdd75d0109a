using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Platform.Academies;

/// <summary>What the platform refuses to create or change: a slug or a time zone that breaks a rule, a body it cannot read.</summary>
[Collection(StackCollection.Name)]
public sealed class AcademyRequestsShould(StackFixture stack)
{
    [Theory]
    [InlineData("ab")]
    [InlineData("-abc")]
    [InlineData("abc-")]
    [InlineData("ab--cd")]
    [InlineData("xn--abc")]
    [InlineData("Upper")]
    [InlineData("a_b_c")]
    [InlineData("www")]
    [InlineData("admin")]
    [InlineData("tatamitech")]
    [InlineData("localhost")]
    [InlineData("this-slug-is-far-too-long-to-be-a-single-host-label-of-dns-names-x")]
    public async Task RefuseASlugThatBreaksARule(string slug)
    {
        using var response = await CreateAsync(slug, "Some Dojo", "UTC");

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("slug", out _), slug);
    }

    [Theory]
    [InlineData("POST", "/academies", "{")]
    [InlineData("POST", "/academies", "[]")]
    [InlineData("POST", "/academies", "null")]
    [InlineData("POST", "/academies", """{"slug": 5}""")]
    [InlineData("POST", "/academies/goldentiger/suspend", "{")]
    [InlineData("POST", "/academies/goldentiger/suspend", """{"reason": ["a"]}""")]
    public async Task AnswerBadRequestToAMalformedBodyAndChangeNothing(string method, string path, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", TestTokens.Operator());

        using var response = await stack.Platform.SendAsync(request);

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM tenants WHERE slug = $1 AND status <> 'active'", "goldentiger"));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    public async Task RefuseAnUnknownTimeZone(string zone)
    {
        using var response = await CreateAsync(NewSlug(), "Some Dojo", zone);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("timeZone", out _));
    }

    private static string NewSlug() => $"pl{Guid.NewGuid():N}"[..14];

    private Task<HttpResponseMessage> CreateAsync(string slug, string name, string timeZone) =>
        stack.OperatorAsync(HttpMethod.Post, "/academies", new { slug, name, timeZone });

    private async Task<long> ScalarAsync(string sql, string slug)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = slug } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
