using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Platform.Academies;

/// <summary>
/// The platform service through the real AppHost: an operator provisions, suspends and resumes academies,
/// and the API (which caches academies) follows each change within a second.
/// </summary>
[Collection(StackCollection.Name)]
public class AcademyLifecycleShould(StackFixture stack)
{
    [SkippableFact]
    public async Task ProvisionAnAcademyTheApiServesWithinASecond()
    {
        stack.SkipUnlessStarted();
        var slug = NewSlug();
        // Every API process has just been told this academy does not exist, and remembers that for seconds.
        foreach (var replica in stack.ApiReplicas)
        {
            using var before = await MintAsync(replica, slug);
            await ProblemAssert.IsProblem(before, HttpStatusCode.NotFound);
        }

        using var created = await CreateAsync(slug, "Blue Crane Dojo", "Europe/Lisbon");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/academies/{slug}", created.Headers.Location?.OriginalString);
        var academy = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("active", academy.GetProperty("status").GetString());
        Assert.Equal("Europe/Lisbon", academy.GetProperty("timeZone").GetString());
        await Propagation.OnEveryApiReplicaAsync(stack, async replica =>
        {
            using var minted = await MintAsync(replica, slug);
            return minted.StatusCode == HttpStatusCode.OK;
        });
    }

    [SkippableFact]
    public async Task SuspendAnAcademyOnEveryRequestWithinASecondAndResumeIt()
    {
        stack.SkipUnlessStarted();
        var (slug, token) = await NewAcademyWithTokenAsync();
        // Every API process serves it, and so has it in its cache.
        foreach (var replica in stack.ApiReplicas)
        {
            using var served = await replica.SendAsync($"{slug}.localhost", HttpMethod.Get, "/students", token);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using (var suspended = await stack.OperatorAsync(HttpMethod.Post, $"/academies/{slug}/suspend", new { reason = "unpaid invoice" }))
        {
            Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
            Assert.Equal("suspended", (await suspended.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        await Propagation.OnEveryApiReplicaAsync(stack, async replica =>
        {
            using var refused = await replica.SendAsync($"{slug}.localhost", HttpMethod.Get, "/students", token);
            return refused.StatusCode == HttpStatusCode.Forbidden;
        });
        using (var refused = await stack.Api.SendAsync($"{slug}.localhost", HttpMethod.Get, "/students", token))
        {
            var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.Forbidden);
            Assert.Equal("https://tatamitech.com/problems/academy-suspended", problem.GetProperty("type").GetString());
        }

        using (var mint = await MintAsync(stack.Api, slug))
        {
            await ProblemAssert.IsProblem(mint, HttpStatusCode.Forbidden);
        }

        using (var resumed = await stack.OperatorAsync(HttpMethod.Post, $"/academies/{slug}/resume"))
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        }

        await Propagation.OnEveryApiReplicaAsync(stack, async replica =>
        {
            using var served = await replica.SendAsync($"{slug}.localhost", HttpMethod.Get, "/students", token);
            return served.StatusCode == HttpStatusCode.OK;
        });

        using var found = await stack.OperatorAsync(HttpMethod.Get, $"/academies/{slug}");
        var id = (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var audit = await stack.OperatorAsync(HttpMethod.Get, $"/audit?academyId={id}");
        var actions = (await audit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()
            .Select(e => $"{e.GetProperty("action").GetString()}:{e.GetProperty("operator").GetString()}").ToList();
        Assert.Equal(["resume:operator", "suspend:operator", "invite:operator", "create:operator"], actions);
    }

    [SkippableFact]
    public async Task SkipASuspendedAcademyInTheRosterRun()
    {
        stack.SkipUnlessStarted();
        var (slug, _) = await NewAcademyWithTokenAsync();
        using (var suspended = await stack.OperatorAsync(HttpMethod.Post, $"/academies/{slug}/suspend", new { reason = "fraud review" }))
        {
            Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        }

        using var run = await stack.RunRosterNowAsync();

        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        Assert.True((await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("suspended").GetInt32() >= 1);
        Assert.Equal(0L, await ScalarAsync(
            "SELECT count(*) FROM roster_reports r JOIN tenants t ON t.id = r.tenant_id WHERE t.slug = $1", slug));
    }

    [SkippableFact]
    public async Task ProvisionAnAcademyFromTheDashboardCommand()
    {
        stack.SkipUnlessStarted();
        var slug = NewSlug();
        var commands = stack.App.Services.GetRequiredService<ResourceCommandService>();

        var created = await commands.ExecuteCommandAsync(
            ResourceNames.Platform, "new-academy", Inputs(slug, "Dashboard Dojo", "Asia/Tokyo"));
        var again = await commands.ExecuteCommandAsync(
            ResourceNames.Platform, "new-academy", Inputs(slug, "Dashboard Dojo", "Asia/Tokyo"));
        var invalid = await commands.ExecuteCommandAsync(ResourceNames.Platform, "new-academy", Inputs("www", "Dashboard Dojo", "UTC"));

        Assert.True(created.Success, created.Message);
        Assert.False(again.Success, "A taken slug was created twice.");
        Assert.False(invalid.Success, "A reserved slug was accepted.");
        using var found = await stack.OperatorAsync(HttpMethod.Get, $"/academies/{slug}");
        Assert.Equal("Asia/Tokyo", (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("timeZone").GetString());

        // The result is the owner's invitation link on the identity service: the new academy's host, the invitation's form.
        var link = new Uri(created.Data!.Value);
        Assert.Equal($"{slug}.localhost", link.Host);
        Assert.Equal(stack.Identity.BaseAddress!.Port, link.Port);
        // The identity service serves the academy once the directory's announcement reaches it, moments after the commit.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var invitation = await stack.Identity.SendAsync($"{slug}.localhost", HttpMethod.Get, link.AbsolutePath);
            status = invitation.StatusCode;
        }
        while (status == HttpStatusCode.NotFound && clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static InteractionInputCollection Inputs(string slug, string name, string timeZone) => new(
    [
        new InteractionInput { Name = "slug", Label = "Slug", InputType = InputType.Text, Value = slug },
        new InteractionInput { Name = "name", Label = "Name", InputType = InputType.Text, Value = name },
        new InteractionInput { Name = "timeZone", Label = "Time zone", InputType = InputType.Text, Value = timeZone },
    ]);

    [SkippableFact]
    public async Task CreateATakenSlugExactlyOnceEvenUnderARace()
    {
        stack.SkipUnlessStarted();
        var slug = NewSlug();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => CreateAsync(slug, "Twin Dojo", "UTC")));

        Assert.Single(attempts, a => a.StatusCode == HttpStatusCode.Created);
        foreach (var refused in attempts.Where(a => a.StatusCode != HttpStatusCode.Created))
        {
            await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict);
        }

        foreach (var attempt in attempts)
        {
            attempt.Dispose();
        }

        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM tenants WHERE slug = $1", slug));
    }

    [SkippableFact]
    public async Task ListAndFindAcademies()
    {
        stack.SkipUnlessStarted();
        var (slug, _) = await NewAcademyWithTokenAsync();

        using var found = await stack.OperatorAsync(HttpMethod.Get, $"/academies/{slug}");
        using var missing = await stack.OperatorAsync(HttpMethod.Get, $"/academies/{NewSlug()}");
        using var active = await stack.OperatorAsync(HttpMethod.Get, "/academies?status=active&pageSize=100");
        using var badStatus = await stack.OperatorAsync(HttpMethod.Get, "/academies?status=deleted");

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        await ProblemAssert.IsProblem(missing, HttpStatusCode.NotFound);
        var page = await active.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(page.GetProperty("totalCount").GetInt64() >= 3);
        Assert.All(page.GetProperty("items").EnumerateArray(), a => Assert.Equal("active", a.GetProperty("status").GetString()));
        await ProblemAssert.IsProblem(badStatus, HttpStatusCode.BadRequest);
    }

    [SkippableFact]
    public async Task ListenAgainAfterTheNotificationConnectionIsLost()
    {
        stack.SkipUnlessStarted();
        var (slug, token) = await NewAcademyWithTokenAsync();
        foreach (var replica in stack.ApiReplicas)
        {
            using var served = await replica.SendAsync($"{slug}.localhost", HttpMethod.Get, "/students", token);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        // The server cuts every listening session; each API process reconnects and clears its cache.
        // pg_terminate_backend only signals: a cut session can still be listed for a moment, so only new ones count.
        var cut = await TerminateListenersAsync();
        Assert.Equal(stack.ApiReplicaCount, cut.Length);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await CountListenersAsync(except: cut) < stack.ApiReplicaCount)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The API processes did not listen again.");
            await Task.Delay(50);
        }

        using (var suspended = await stack.OperatorAsync(HttpMethod.Post, $"/academies/{slug}/suspend", new { reason = "after the gap" }))
        {
            Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        }

        await Propagation.OnEveryApiReplicaAsync(stack, async replica =>
        {
            using var refused = await replica.SendAsync($"{slug}.localhost", HttpMethod.Get, "/students", token);
            return refused.StatusCode == HttpStatusCode.Forbidden;
        });
    }

    /// <summary>
    /// An API process's listening session (the identity service, as another role, listens too): its last statement was
    /// the LISTEN or, once it has run one, a heartbeat.
    /// </summary>
    private static readonly string s_listening =
        $"usename = '{DatabaseRoles.Runtime}' AND " +
        $"(query = 'LISTEN {DirectoryChannel.Name}' OR starts_with(query, 'NOTIFY {DirectoryChannel.HeartbeatChannelPrefix}'))";

    /// <returns>The sessions cut.</returns>
    private async Task<int[]> TerminateListenersAsync()
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT coalesce(array_agg(pid) FILTER (WHERE pg_terminate_backend(pid)), '{{}}') FROM pg_stat_activity WHERE {s_listening}",
            connection);
        return (int[])(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> CountListenersAsync(int[] except)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT count(*) FROM pg_stat_activity WHERE {s_listening} AND pid <> ALL($1)", connection)
        {
            Parameters = { new() { Value = except } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string NewSlug() => $"pl{Guid.NewGuid():N}"[..14];

    private async Task<(string Slug, string Token)> NewAcademyWithTokenAsync()
    {
        var slug = NewSlug();
        using var created = await CreateAsync(slug, "Lifecycle Dojo", "UTC");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var token = TestTokens.Create(id);
        await Propagation.ServedOnEveryApiReplicaAsync(stack, $"{slug}.localhost", token);
        return (slug, token);
    }

    private Task<HttpResponseMessage> CreateAsync(string slug, string name, string timeZone) =>
        stack.OperatorAsync(HttpMethod.Post, "/academies", new { slug, name, timeZone });

    private static Task<HttpResponseMessage> MintAsync(HttpClient api, string slug) =>
        api.SendAsync($"{slug}.localhost", HttpMethod.Post, "/dev/tokens", body: new { subject = "coach" });

    private async Task<long> ScalarAsync(string sql, string slug)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = slug } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
