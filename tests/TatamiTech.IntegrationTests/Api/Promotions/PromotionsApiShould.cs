using System.Text.Json;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Api.Promotions;

/// <summary>Belt promotions through the stack: history per student, inside the academy only.</summary>
[Collection(StackCollection.Name)]
public sealed class PromotionsApiShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task RecordThePromotionAndRaiseTheStudentsRank()
    {
        var student = await CreateStudentAsync(Alpha, "white");

        using var first = await Stack.Api.SendAsync(
            Alpha, HttpMethod.Post, $"/students/{student}/promotions", new { toRank = "yellow", promotedOn = "2026-01-10" });
        using var second = await Stack.Api.SendAsync(
            Alpha, HttpMethod.Post, $"/students/{student}/promotions", new { toRank = "Orange" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        using var history = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, $"/students/{student}/promotions");
        var steps = (await history.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
            .Select(p => $"{p.GetProperty("fromRank").GetString()}->{p.GetProperty("toRank").GetString()}")
            .ToList();
        Assert.Equal(["white->yellow", "yellow->orange"], steps);

        using var current = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, $"/students/{student}");
        Assert.Equal("orange", (await current.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beltRank").GetString());
    }

    [Fact]
    public async Task AnswerAnotherAcademysStudentAsNotFoundAndChangeNothing()
    {
        var bravoStudent = await CreateStudentAsync(Bravo, "blue");

        using var promote = await Stack.Api.SendAsync(
            Alpha, HttpMethod.Post, $"/students/{bravoStudent}/promotions", new { toRank = "black" });
        using var list = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, $"/students/{bravoStudent}/promotions");

        await ProblemAssert.IsProblem(promote, HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(list, HttpStatusCode.NotFound);
        using var own = await Stack.Api.SendAsync(Bravo, HttpMethod.Get, $"/students/{bravoStudent}/promotions");
        Assert.Empty((await own.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        using var student = await Stack.Api.SendAsync(Bravo, HttpMethod.Get, $"/students/{bravoStudent}");
        Assert.Equal("blue", (await student.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beltRank").GetString());
    }

    [Theory]
    [InlineData("""{"toRank":"grandmaster"}""", "toRank")]
    [InlineData("""{"toRank":"white"}""", "toRank")]
    [InlineData("""{"toRank":"green","promotedOn":"2999-01-01"}""", "promotedOn")]
    [InlineData("""{"toRank":"green","tenantId":"6f1a0c4e-3b7d-4c2a-9e51-0d7f2b8a1c01"}""", "tenantId")]
    public async Task RefuseAnInvalidPromotionWithAFieldError(string body, string field)
    {
        var student = await CreateStudentAsync(Alpha, "white");

        using var response = await Stack.Api.SendAsync(
            Alpha, HttpMethod.Post, $"/students/{student}/promotions", JsonDocument.Parse(body).RootElement);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"No error for {field}: {problem}");
        using var history = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, $"/students/{student}/promotions");
        Assert.Empty((await history.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
    }

    [Fact]
    public async Task RemoveTheHistoryWithTheStudent()
    {
        var student = await CreateStudentAsync(Alpha, "white");
        using var promote = await Stack.Api.SendAsync(
            Alpha, HttpMethod.Post, $"/students/{student}/promotions", new { toRank = "yellow" });
        Assert.Equal(HttpStatusCode.Created, promote.StatusCode);

        using var delete = await Stack.Api.SendAsync(Alpha, HttpMethod.Delete, $"/students/{student}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var history = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, $"/students/{student}/promotions");
        await ProblemAssert.IsProblem(history, HttpStatusCode.NotFound);
    }

    private async Task<Guid> CreateStudentAsync(TestTenant tenant, string rank)
    {
        using var response = await Stack.Api.SendAsync(tenant, HttpMethod.Post, "/students",
            new { firstName = "Promo", lastName = "Student", email = $"p{Guid.NewGuid():N}@example.com", beltRank = rank });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
