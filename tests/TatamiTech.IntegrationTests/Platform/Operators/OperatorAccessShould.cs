using System.Text.Json;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Platform.Operators;

/// <summary>The platform serves operators only, and an operator's token opens no academy's API.</summary>
[Collection(StackCollection.Name)]
public sealed class OperatorAccessShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    public static TheoryData<string, string?> RefusedCallers => new()
    {
        { "no token", null },
        { "an academy member's token", "academy" },
        { "a platform token without the operator role", "no-role" },
        { "a platform token with another role", "other-role" },
    };

    /// <summary>The platform's routes that answer without an operator's token (Development only), reviewed one by one.</summary>
    private static readonly string[] s_openRoutes = ["POST /dev/operator-tokens"];

    /// <summary>
    /// Every route of the platform's OpenAPI document but the reviewed open ones, so that a route is covered by being
    /// mapped (whatever it declares about itself): each refuses every caller but an operator, before its handler reads the
    /// body or the academy.
    /// </summary>
    [Theory]
    [MemberData(nameof(RefusedCallers))]
    public async Task RefuseEveryoneButOperatorsOnEveryRoute(string who, string? kind)
    {
        var token = kind switch
        {
            null => null,
            "academy" => TestTokens.For(Alpha),
            "no-role" => TestTokens.Operator(role: null),
            _ => TestTokens.Operator(role: "academy-owner"),
        };

        var routes = await GuardedRoutesAsync();
        Assert.True(routes.Count >= 12, $"only {routes.Count} routes documented");
        foreach (var (method, template) in routes)
        {
            var path = template.Replace("{slug}", Alpha.Slug, StringComparison.Ordinal)
                .Replace("{clientId}", "int_x", StringComparison.Ordinal);
            using var request = new HttpRequestMessage(method, path);
            if (method != HttpMethod.Get && method != HttpMethod.Delete)
            {
                request.Content = JsonContent.Create(new { slug = NewSlug(), name = "Intruder Dojo", timeZone = "UTC", role = "owner" });
            }

            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }

            using var response = await Stack.Platform.SendAsync(request);

            Assert.True(
                response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
                $"{who} on {method} {template}: {(int)response.StatusCode}");
        }
    }

    private async Task<List<(HttpMethod Method, string Template)>> GuardedRoutesAsync()
    {
        var document = await Stack.Platform.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var routes = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Select(operation => (Method: operation.Name.ToUpperInvariant(), Path: path.Name)))
            .ToList();
        // The reviewed list names routes that exist: a route removed or renamed takes its entry with it.
        Assert.All(s_openRoutes, open => Assert.Contains(open, routes.Select(r => $"{r.Method} {r.Path}")));
        return [.. routes.Where(r => !s_openRoutes.Contains($"{r.Method} {r.Path}")).Select(r => (new HttpMethod(r.Method), r.Path))];
    }

    [Fact]
    public async Task RefuseAnOperatorTokenOnAnAcademysHost()
    {
        using var response = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", TestTokens.Operator());

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{(int)response.StatusCode}");
    }

    private static string NewSlug() => $"pl{Guid.NewGuid():N}"[..14];
}
