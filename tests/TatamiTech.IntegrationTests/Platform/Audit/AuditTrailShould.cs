using System.Text.Json;
using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Platform.Audit;

/// <summary>
/// The platform's audit through the stack: every access to an academy's data is in it (an export with its line
/// count, an erasure with its row count), it is read by academy id so that a slug taken again never mixes two
/// histories, and it pages with a cursor to the very first entry.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AuditTrailShould(StackFixture stack)
{
    [Fact]
    public async Task RecordEveryAccessToAnAcademysDataWithTheRowsItTouched()
    {
        var (slug, id) = await CreateAsync(NewSlug());
        await AddStudentsAsync(slug, id, 3);

        using (var export = await stack.OperatorAsync(HttpMethod.Get, $"/academies/{slug}/export"))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            // Its rows, and the owner's invitation it was created with.
            Assert.Equal(4, (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }

        await PostAsync($"/academies/{slug}/suspend", new { reason = "closing down" });
        await PostAsync($"/academies/{slug}/resume");
        await PostAsync($"/academies/{slug}/suspend", new { reason = "closing down for good" });
        using (var erased = await stack.OperatorAsync(HttpMethod.Delete, $"/academies/{slug}"))
        {
            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        }

        var entries = await AllEntriesAsync($"academyId={id}");
        Assert.Equal(
            [
                "erase:4:", "suspend::closing down for good", "resume::", "suspend::closing down", "export:4:", "invite::role owner",
                "create::",
            ],
            entries.Select(e => $"{e.GetProperty("action")}:{e.GetProperty("rowCount")}:{e.GetProperty("reason")}"));
        Assert.All(entries, e => Assert.Equal("operator", e.GetProperty("operator").GetString()));
        Assert.All(entries, e => Assert.Equal(id, e.GetProperty("academyId").GetGuid()));
    }

    [Fact]
    public async Task KeepTheHistoriesOfTwoAcademiesThatHadOneSlugApart()
    {
        var (slug, first) = await CreateAsync(NewSlug());
        await PostAsync($"/academies/{slug}/suspend", new { reason = "closing down" });
        using (var erased = await stack.OperatorAsync(HttpMethod.Delete, $"/academies/{slug}"))
        {
            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        }

        var (_, second) = await CreateAsync(slug);

        Assert.NotEqual(first, second);
        Assert.Equal(["erase", "suspend", "invite", "create"], await ActionsAsync(first));
        Assert.Equal(["invite", "create"], await ActionsAsync(second));
    }

    [Fact]
    public async Task PageThroughEveryEntryOnceInOrderPastAnyFixedCap()
    {
        // More entries than the largest page, most of them at one instant: the cursor must break ties by id.
        var academy = Guid.NewGuid();
        await AppendAsync(academy, 200, "2025-12-31T23:59:59.999999Z");
        await AppendAsync(academy, 250, "2026-01-01T00:00:00Z");

        var seen = new List<long>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var query = $"/audit?academyId={academy}&limit=60" + (cursor is null ? string.Empty : $"&cursor={cursor}");
            using var response = await stack.OperatorAsync(HttpMethod.Get, query);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("rowCount").GetInt64()));
            cursor = page.GetProperty("next").GetString();
            pages++;

            // Entries appended during the walk are newer than every cursor: they never show up in it twice, or at all.
            await AppendAsync(academy, 1, "now()");
        }
        while (cursor is not null);

        Assert.Equal(8, pages);
        // rowCount carries each entry's insertion order: newest first is descending, ties at one instant by id.
        Assert.Equal(Enumerable.Range(0, 450).Select(i => 449L - i), seen.Where(n => n < 1000));
        Assert.DoesNotContain(seen, n => n >= 1000);
    }

    [Theory]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("cursor=AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("academyId=goldentiger")]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    public async Task RefuseAQueryItCannotAnswerWithAProblem(string query)
    {
        using var response = await stack.OperatorAsync(HttpMethod.Get, $"/audit?{query}");

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
    }

    private static string NewSlug() => $"au{Guid.NewGuid():N}"[..14];

    private async Task<(string Slug, Guid Id)> CreateAsync(string slug)
    {
        using var created = await stack.OperatorAsync(HttpMethod.Post, "/academies", new { slug, name = "Audited Dojo", timeZone = "UTC" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Propagation.ServedOnEveryApiReplicaAsync(stack, $"{slug}.localhost", TestTokens.Create(id.ToString()));
        return (slug, id);
    }

    private async Task AddStudentsAsync(string slug, Guid academy, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var token = TestTokens.Create(academy.ToString());
            using var added = await stack.Api.SendAsync($"{slug}.localhost", HttpMethod.Post, "/students", token, new
            {
                firstName = "Audit", lastName = $"Me{i}", email = $"a{Guid.NewGuid():N}@example.com", beltRank = "white",
            });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }
    }

    private async Task PostAsync(string path, object? body = null)
    {
        using var response = await stack.OperatorAsync(HttpMethod.Post, path, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<List<string>> ActionsAsync(Guid academy) =>
        [.. (await AllEntriesAsync($"academyId={academy}")).Select(e => e.GetProperty("action").GetString()!)];

    /// <summary>Every entry of a query, following the cursor from the newest page to the last.</summary>
    private async Task<List<JsonElement>> AllEntriesAsync(string query)
    {
        var entries = new List<JsonElement>();
        string? cursor = null;
        do
        {
            using var response = await stack.OperatorAsync(HttpMethod.Get, $"/audit?{query}" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            entries.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("next").GetString();
        }
        while (cursor is not null);

        return entries;
    }

    /// <summary>
    /// Entries written past the platform as the owner, at a given time; each one's row_count is its place in the
    /// academy's sequence (1,000 and above for entries written at "now()").
    /// </summary>
    private async Task AppendAsync(Guid academy, int count, string at)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        var time = at == "now()" ? "now()" : $"'{at}'::timestamptz";
        await using var command = new NpgsqlCommand(
            "INSERT INTO platform_audit (occurred_at, operator, action, academy_id, academy_slug, row_count) " +
            $"SELECT {time}, 'seed', 'create', $1, 'seeded', " +
            "CASE WHEN $3 THEN 1000 + i ELSE (SELECT count(*) FROM platform_audit WHERE academy_id = $1) + i END " +
            "FROM generate_series(0, $2 - 1) i ORDER BY i",
            connection)
        {
            Parameters = { new() { Value = academy }, new() { Value = count }, new() { Value = at == "now()" } },
        };
        await command.ExecuteNonQueryAsync();
    }
}
