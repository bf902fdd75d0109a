using System.Collections.Concurrent;
using System.Text.Json;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Api.Students;

/// <summary>
/// The isolation drill at test size: two academies read and write at once through the whole stack, and
/// neither ever sees a row of the other.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ConcurrentTenantsShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task SeeOnlyTheirOwnRowsUnderConcurrentReadsAndWrites()
    {
        var marker = $"iso{Guid.NewGuid():N}"[..12];
        var owned = new ConcurrentDictionary<Guid, string>();
        var leaks = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<string>();
        TestTenant[] tenants = [Alpha, Bravo];

        await Parallel.ForAsync(0, 240, new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, _) =>
        {
            var tenant = tenants[i % 2];
            if (i % 4 < 2)
            {
                using var created = await Stack.Api.SendAsync(tenant, HttpMethod.Post, "/students",
                    new { firstName = "Load", lastName = marker, email = $"l{Guid.NewGuid():N}@example.com", beltRank = "white" });
                if (created.StatusCode != HttpStatusCode.Created)
                {
                    failures.Add($"POST {(int)created.StatusCode}");
                    return;
                }

                owned[(await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()] = tenant.Slug;
                return;
            }

            using var listed = await Stack.Api.SendAsync(tenant, HttpMethod.Get, $"/students?q={marker}&pageSize=100");
            if (listed.StatusCode != HttpStatusCode.OK)
            {
                failures.Add($"GET {(int)listed.StatusCode}");
                return;
            }

            foreach (var student in (await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray())
            {
                var id = student.GetProperty("id").GetGuid();
                if (owned.TryGetValue(id, out var owner) && owner != tenant.Slug)
                {
                    leaks.Add($"{tenant.Slug} saw {owner}'s student {id}");
                }
            }
        });

        Assert.Empty(failures);
        Assert.Empty(leaks);

        // Afterwards each academy lists exactly what it created, nothing of the other.
        foreach (var tenant in tenants)
        {
            using var listed = await Stack.Api.SendAsync(tenant, HttpMethod.Get, $"/students?q={marker}&pageSize=100");
            var ids = (await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()
                .Select(s => s.GetProperty("id").GetGuid()).Order().ToList();
            Assert.Equal(owned.Where(o => o.Value == tenant.Slug).Select(o => o.Key).Order().ToList(), ids);
        }
    }
}
