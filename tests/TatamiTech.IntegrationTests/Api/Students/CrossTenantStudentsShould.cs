using System.Text.Json;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Api.Students;

/// <summary>
/// The "other tenant" fixture: bravo's students are invisible and untouchable from alpha, and the
/// answer is the same 404 as for an id that does not exist.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class CrossTenantStudentsShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task NeverListTheOtherAcademysStudents()
    {
        var bravoStudent = await CreateBravoStudentAsync();

        // Every page, not only the first: a leak could sort anywhere.
        var ids = new List<Guid>();
        int total;
        var page = 1;
        do
        {
            using var response = await Stack.Api.SendAsync(Alpha, HttpMethod.Get, $"/students?pageSize=100&page={page++}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            total = body.GetProperty("totalCount").GetInt32();
            ids.AddRange(body.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        }
        while (ids.Count < total && page < 1000);

        Assert.Equal(total, ids.Count);
        Assert.DoesNotContain(bravoStudent, ids);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task AnswerTheOtherAcademysStudentAsNotFound(string method)
    {
        var bravoStudent = await CreateBravoStudentAsync();
        var body = new { firstName = "Hijacked", lastName = "Name", email = $"x{Guid.NewGuid():N}@example.com", beltRank = "black" };

        using var foreign = await Stack.Api.SendAsync(
            Alpha, new HttpMethod(method), $"/students/{bravoStudent}", method == "PUT" ? body : null);
        using var missing = await Stack.Api.SendAsync(
            Alpha, new HttpMethod(method), $"/students/{Guid.NewGuid()}", method == "PUT" ? body : null);

        var foreignProblem = await ProblemAssert.IsProblem(foreign, HttpStatusCode.NotFound);
        var missingProblem = await ProblemAssert.IsProblem(missing, HttpStatusCode.NotFound);
        Assert.Equal(Without(missingProblem, "traceId"), Without(foreignProblem, "traceId"));

        // Untouched where it lives.
        using var original = await Stack.Api.SendAsync(Bravo, HttpMethod.Get, $"/students/{bravoStudent}");
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal("Bravo", (await original.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("firstName").GetString());
    }

    private async Task<Guid> CreateBravoStudentAsync()
    {
        using var response = await Stack.Api.SendAsync(Bravo, HttpMethod.Post, "/students",
            new { firstName = "Bravo", lastName = "Student", email = $"b{Guid.NewGuid():N}@example.com", beltRank = "brown" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static string Without(JsonElement problem, string property) =>
        JsonSerializer.Serialize(problem.EnumerateObject()
            .Where(p => p.Name != property)
            .ToDictionary(p => p.Name, p => p.Value.ToString()));
}
