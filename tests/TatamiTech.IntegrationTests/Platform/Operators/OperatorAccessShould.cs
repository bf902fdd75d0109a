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

    [Theory]
    [MemberData(nameof(RefusedCallers))]
    public async Task RefuseEveryoneButOperators(string who, string? kind)
    {
        var token = kind switch
        {
            null => null,
            "academy" => TestTokens.For(Alpha),
            "no-role" => TestTokens.Operator(role: null),
            _ => TestTokens.Operator(role: "academy-owner"),
        };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/academies")
        {
            Content = JsonContent.Create(new { slug = NewSlug(), name = "Intruder Dojo", timeZone = "UTC" }),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await Stack.Platform.SendAsync(request);

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{who}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task RefuseAnOperatorTokenOnAnAcademysHost()
    {
        using var response = await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, "/students", TestTokens.Operator());

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{(int)response.StatusCode}");
    }

    private static string NewSlug() => $"pl{Guid.NewGuid():N}"[..14];
}
