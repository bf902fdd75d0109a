using System.Text.Json;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Api.Students;

/// <summary>Each route for its own academy, and its refusals.</summary>
[Collection(StackCollection.Name)]
public sealed class StudentsApiShould(StackFixture stack)
{
    [Fact]
    public async Task CreateAStudentWithItsLocation()
    {
        var email = UniqueEmail();

        using var created = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Post, "/students",
            new { firstName = "Aiko", lastName = "Tanaka", email = email.ToUpperInvariant(), beltRank = "Black" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/students/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.Equal("black", body.GetProperty("beltRank").GetString());
        Assert.True(body.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.False(body.TryGetProperty("tenantId", out _));

        using var fetched = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Get, $"/students/{id}");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("Aiko", (await fetched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task UpdateAStudent()
    {
        var id = await CreateAsync(stack.Alpha, "Lena", "Novak", UniqueEmail(), "blue");
        var newEmail = UniqueEmail();

        using var updated = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Put, $"/students/{id}",
            new { firstName = "Lena", lastName = "Novak-Berg", email = newEmail, beltRank = "purple" });

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        using var fetched = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Get, $"/students/{id}");
        var body = await fetched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Novak-Berg", body.GetProperty("lastName").GetString());
        Assert.Equal(newEmail, body.GetProperty("email").GetString());
        Assert.Equal("purple", body.GetProperty("beltRank").GetString());
    }

    [Fact]
    public async Task DeleteAStudent()
    {
        var id = await CreateAsync(stack.Alpha, "Omar", "Haddad", UniqueEmail(), "white");

        using var deleted = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Delete, $"/students/{id}");
        using var again = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Delete, $"/students/{id}");
        using var fetched = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Get, $"/students/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAssert.IsProblem(again, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(fetched, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PageAndSearchInAStableOrder()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        foreach (var last in new[] { "Cole", "Abbott", "Baker", "Abbott" })
        {
            await CreateAsync(stack.Alpha, $"Pat{tag}", last, UniqueEmail(), "green");
        }

        await CreateAsync(stack.Bravo, $"Pat{tag}", "Other", UniqueEmail(), "green");

        var first = await ListAsync(stack.Alpha, $"/students?q=pat{tag}&page=1&pageSize=3");
        var second = await ListAsync(stack.Alpha, $"/students?q=PAT{tag}&page=2&pageSize=3");

        Assert.Equal(4, first.GetProperty("totalCount").GetInt32());
        var names = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(s => s.GetProperty("lastName").GetString()).ToList();
        Assert.Equal(["Abbott", "Abbott", "Baker", "Cole"], names);
    }

    [Fact]
    public async Task TreatLikeWildcardsInTheSearchAsText()
    {
        // As a pattern, "%{tag}" and "_{tag}" would match both names; as text, each matches one.
        var tag = Guid.NewGuid().ToString("N")[..8];
        var plain = await CreateAsync(stack.Alpha, "Plain", $"Name{tag}", UniqueEmail(), "white");
        var percent = await CreateAsync(stack.Alpha, "Percent", $"Name%{tag}", UniqueEmail(), "white");
        var underscore = await CreateAsync(stack.Alpha, "Underscore", $"Name_{tag}", UniqueEmail(), "white");

        var all = await ListAsync(stack.Alpha, $"/students?q={tag}");
        var byPercent = await ListAsync(stack.Alpha, $"/students?q=%25{tag}");
        var byUnderscore = await ListAsync(stack.Alpha, $"/students?q=_{tag}");

        Assert.Equal(new[] { plain, percent, underscore }.Order(), Ids(all).Order());
        Assert.Equal([percent], Ids(byPercent));
        Assert.Equal([underscore], Ids(byUnderscore));
    }

    private static IEnumerable<Guid> Ids(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid());

    [Theory]
    [InlineData("/students?page=0")]
    [InlineData("/students?pageSize=0")]
    [InlineData("/students?pageSize=101")]
    [InlineData("/students?page=30000000&pageSize=100")]
    public async Task RefuseBadPaging(string path)
    {
        using var response = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Get, path);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out _));
    }

    public static TheoryData<string, object> InvalidBodies => new()
    {
        { "firstName", new { lastName = "B", email = "a@example.com", beltRank = "white" } },
        { "email", new { firstName = "A", lastName = "B", email = "not-an-email", beltRank = "white" } },
        { "beltRank", new { firstName = "A", lastName = "B", email = "a@example.com", beltRank = "rainbow" } },
        { "lastName", new { firstName = "A", lastName = new string('x', 101), email = "a@example.com", beltRank = "white" } },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task RefuseAnInvalidBodyWithFieldErrors(string field, object body)
    {
        using var response = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Post, "/students", body);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task RefuseABodyCarryingATenantIdAndCreateNothing()
    {
        var email = UniqueEmail();

        using var response = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Post, "/students",
            new { firstName = "Eve", lastName = "Mallory", email, beltRank = "white", tenantId = stack.Bravo.Id });

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("tenantId", out _));
        Assert.Equal(0, (await ListAsync(stack.Alpha, $"/students?q={email}")).GetProperty("totalCount").GetInt32());
        Assert.Equal(0, (await ListAsync(stack.Bravo, $"/students?q={email}")).GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task RefuseAnEmailAlreadyUsedInTheSameAcademy()
    {
        var email = UniqueEmail();
        await CreateAsync(stack.Alpha, "Sam", "Rivera", email, "yellow");

        using var duplicate = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Post, "/students",
            new { firstName = "Samantha", lastName = "Rivera", email = email.ToUpperInvariant(), beltRank = "white" });

        var problem = await ProblemAssert.IsProblem(duplicate, HttpStatusCode.Conflict);
        Assert.DoesNotContain(email, problem.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RefuseAnUpdateToAnEmailUsedInTheSameAcademy()
    {
        var taken = UniqueEmail();
        await CreateAsync(stack.Alpha, "Sam", "Rivera", taken, "yellow");
        var id = await CreateAsync(stack.Alpha, "Kim", "Park", UniqueEmail(), "yellow");

        using var response = await stack.Api.SendAsync(stack.Alpha, HttpMethod.Put, $"/students/{id}",
            new { firstName = "Kim", lastName = "Park", email = taken, beltRank = "yellow" });

        await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task AllowTheSameEmailInTwoAcademies()
    {
        var email = UniqueEmail();
        await CreateAsync(stack.Alpha, "Sam", "Rivera", email, "yellow");

        using var other = await stack.Api.SendAsync(stack.Bravo, HttpMethod.Post, "/students",
            new { firstName = "Sam", lastName = "Rivera", email, beltRank = "white" });

        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    private async Task<Guid> CreateAsync(TestTenant tenant, string first, string last, string email, string rank)
    {
        using var response = await stack.Api.SendAsync(tenant, HttpMethod.Post, "/students",
            new { firstName = first, lastName = last, email, beltRank = rank });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> ListAsync(TestTenant tenant, string path)
    {
        using var response = await stack.Api.SendAsync(tenant, HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string UniqueEmail() => $"s{Guid.NewGuid():N}@example.com";
}
