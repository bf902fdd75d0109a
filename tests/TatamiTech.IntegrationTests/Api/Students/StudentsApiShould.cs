using System.Text.Json;
using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Api.Students;

/// <summary>Each route for its own academy, and its refusals.</summary>
[Collection(StackCollection.Name)]
public sealed class StudentsApiShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task CreateAStudentWithItsLocation()
    {
        var email = UniqueEmail();

        using var created = await Stack.Api.SendAsync(Alpha, HttpMethod.Post, "/students",
            new { firstName = "Aiko", lastName = "Tanaka", email = email.ToUpperInvariant(), beltRank = "Black" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/students/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.Equal("black", body.GetProperty("beltRank").GetString());
        Assert.True(body.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.False(body.TryGetProperty("tenantId", out _));

        using var fetched = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, $"/students/{id}");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("Aiko", (await fetched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task UpdateAStudent()
    {
        var id = await CreateAsync(Alpha, "Lena", "Novak", UniqueEmail(), "blue");
        var newEmail = UniqueEmail();

        using var updated = await Stack.Api.SendAsync(Alpha, HttpMethod.Put, $"/students/{id}",
            new { firstName = "Lena", lastName = "Novak-Berg", email = newEmail, beltRank = "purple" });

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        using var fetched = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, $"/students/{id}");
        var body = await fetched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Novak-Berg", body.GetProperty("lastName").GetString());
        Assert.Equal(newEmail, body.GetProperty("email").GetString());
        Assert.Equal("purple", body.GetProperty("beltRank").GetString());
    }

    [Fact]
    public async Task DeleteAStudent()
    {
        var id = await CreateAsync(Alpha, "Omar", "Haddad", UniqueEmail(), "white");

        using var deleted = await Stack.Api.SendAsync(Alpha, HttpMethod.Delete, $"/students/{id}");
        using var again = await Stack.Api.SendAsync(Alpha, HttpMethod.Delete, $"/students/{id}");
        using var fetched = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, $"/students/{id}");

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
            await CreateAsync(Alpha, $"Pat{tag}", last, UniqueEmail(), "green");
        }

        await CreateAsync(Bravo, $"Pat{tag}", "Other", UniqueEmail(), "green");

        var first = await ListAsync(Alpha, $"/students?q=pat{tag}&page=1&pageSize=3");
        var second = await ListAsync(Alpha, $"/students?q=PAT{tag}&page=2&pageSize=3");

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
        var plain = await CreateAsync(Alpha, "Plain", $"Name{tag}", UniqueEmail(), "white");
        var percent = await CreateAsync(Alpha, "Percent", $"Name%{tag}", UniqueEmail(), "white");
        var underscore = await CreateAsync(Alpha, "Underscore", $"Name_{tag}", UniqueEmail(), "white");

        var all = await ListAsync(Alpha, $"/students?q={tag}");
        var byPercent = await ListAsync(Alpha, $"/students?q=%25{tag}");
        var byUnderscore = await ListAsync(Alpha, $"/students?q=_{tag}");

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
        using var response = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, path);

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
        using var response = await Stack.Api.SendAsync(Alpha, HttpMethod.Post, "/students", body);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task RefuseABodyCarryingATenantIdAndCreateNothing()
    {
        var email = UniqueEmail();

        using var response = await Stack.Api.SendAsync(Alpha, HttpMethod.Post, "/students",
            new { firstName = "Eve", lastName = "Mallory", email, beltRank = "white", tenantId = Bravo.Id });

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("tenantId", out _));
        Assert.Equal(0, (await ListAsync(Alpha, $"/students?q={email}")).GetProperty("totalCount").GetInt32());
        Assert.Equal(0, (await ListAsync(Bravo, $"/students?q={email}")).GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task RefuseAnEmailAlreadyUsedInTheSameAcademy()
    {
        var email = UniqueEmail();
        await CreateAsync(Alpha, "Sam", "Rivera", email, "yellow");

        using var duplicate = await Stack.Api.SendAsync(Alpha, HttpMethod.Post, "/students",
            new { firstName = "Samantha", lastName = "Rivera", email = email.ToUpperInvariant(), beltRank = "white" });

        var problem = await ProblemAssert.IsProblem(duplicate, HttpStatusCode.Conflict);
        Assert.DoesNotContain(email, problem.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RefuseAnUpdateToAnEmailUsedInTheSameAcademy()
    {
        var taken = UniqueEmail();
        await CreateAsync(Alpha, "Sam", "Rivera", taken, "yellow");
        var id = await CreateAsync(Alpha, "Kim", "Park", UniqueEmail(), "yellow");

        using var response = await Stack.Api.SendAsync(Alpha, HttpMethod.Put, $"/students/{id}",
            new { firstName = "Kim", lastName = "Park", email = taken, beltRank = "yellow" });

        await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task AllowTheSameEmailInTwoAcademies()
    {
        var email = UniqueEmail();
        await CreateAsync(Alpha, "Sam", "Rivera", email, "yellow");

        using var other = await Stack.Api.SendAsync(Bravo, HttpMethod.Post, "/students",
            new { firstName = "Sam", lastName = "Rivera", email, beltRank = "white" });

        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    [Fact]
    public async Task LeaveTheEmailToOneOfTheWritersThatRaceForIt()
    {
        const int writers = 8;
        var email = UniqueEmail();

        // The writers' inserts wait behind this lock while their reads pass it: every one of them finds the
        // email free, so the unique index alone decides between them once the lock goes.
        await using var owner = new NpgsqlConnection(Stack.OwnerConnectionString);
        await owner.OpenAsync();
        await using var held = await owner.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE students IN EXCLUSIVE MODE", owner, held))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var posts = Enumerable.Range(0, writers).Select(i => Stack.Api.SendAsync(Alpha, HttpMethod.Post, "/students",
            new { firstName = $"Writer{i}", lastName = "Race", email, beltRank = "white" })).ToList();
        try
        {
            await WaitForInsertsWaitingAsync(owner, writers);
        }
        finally
        {
            await held.CommitAsync();
        }

        var responses = await Task.WhenAll(posts);
        var statuses = responses.Select(r => r.StatusCode).ToList();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(writers - 1, statuses.Count(s => s == HttpStatusCode.Conflict));
        await using var count = new NpgsqlCommand("SELECT count(*) FROM students WHERE tenant_id = @t AND email = @e", owner);
        count.Parameters.AddWithValue("t", Alpha.Id);
        count.Parameters.AddWithValue("e", email);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    private static async Task WaitForInsertsWaitingAsync(NpgsqlConnection owner, int writers)
    {
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE relation = 'students'::regclass AND NOT granted", owner);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((long)(await waiting.ExecuteScalarAsync())! < writers)
        {
            Assert.True(DateTime.UtcNow < deadline, "The writers' inserts did not all reach the lock.");
            await Task.Delay(50);
        }
    }

    private async Task<Guid> CreateAsync(TestTenant tenant, string first, string last, string email, string rank)
    {
        using var response = await Stack.Api.SendAsync(tenant, HttpMethod.Post, "/students",
            new { firstName = first, lastName = last, email, beltRank = rank });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> ListAsync(TestTenant tenant, string path)
    {
        using var response = await Stack.Api.SendAsync(tenant, HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string UniqueEmail() => $"s{Guid.NewGuid():N}@example.com";
}
