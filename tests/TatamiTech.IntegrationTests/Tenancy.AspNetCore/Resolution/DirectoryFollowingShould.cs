using System.Diagnostics;
using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.Resolution;

/// <summary>
/// Every API process holds the directory in memory and follows it: a row written by hand in SQL (no platform
/// involved) is announced by the database itself and reaches every replica within the propagation bound.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DirectoryFollowingShould(StackFixture stack)
{
    [Fact]
    public async Task ResolveAnAcademyInsertedByHandOnEveryReplica()
    {
        var academy = await TestTenant.CreateAsync(stack.OwnerConnectionString, "byhand");

        await Propagation.OnEveryApiReplicaAsync(stack, async api => await StatusAsync(api, academy.Host, academy) == HttpStatusCode.OK);
    }

    [Fact]
    public async Task RefuseAnAcademySuspendedByHandOnEveryReplica()
    {
        var academy = await stack.CreateServedAcademyAsync("suspend");

        await ExecuteAsync("UPDATE tenants SET status = 'suspended' WHERE id = $1", academy.Id);

        await Propagation.OnEveryApiReplicaAsync(stack, async api =>
            await StatusAsync(api, academy.Host, academy) == HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task FollowAnAcademyRenamedByHandToItsNewHostOnly()
    {
        var academy = await stack.CreateServedAcademyAsync("rename");
        var renamed = academy with { Slug = $"renamed-{Guid.NewGuid():N}"[..16] };

        await ExecuteAsync("UPDATE tenants SET slug = $2 WHERE id = $1", academy.Id, renamed.Slug);

        await Propagation.OnEveryApiReplicaAsync(stack, async api =>
            await StatusAsync(api, renamed.Host, academy) == HttpStatusCode.OK
            && await StatusAsync(api, academy.Host, academy) == HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ForgetAnAcademyDeletedByHandOnEveryReplica()
    {
        var academy = await stack.CreateServedAcademyAsync("deleted");

        await ExecuteAsync("DELETE FROM tenants WHERE id = $1", academy.Id);

        await Propagation.OnEveryApiReplicaAsync(stack, async api =>
            await StatusAsync(api, academy.Host, academy) == HttpStatusCode.NotFound);
    }

    /// <summary>
    /// A process that hears no announcement (the in-process API has no listener) still catches up at its next
    /// whole read of the directory: the reload interval bounds how long a missed change goes on being served.
    /// </summary>
    [Fact]
    public async Task RefuseASuspendedAcademyWithinTheReloadIntervalWithoutListening()
    {
        var interval = TimeSpan.FromSeconds(2);
        var academy = await stack.CreateServedAcademyAsync("unheard");
        await using var api = new InProcessApi(stack, settings: new Dictionary<string, string>
        {
            ["Tenancy:DirectoryReloadInterval"] = interval.ToString(),
        });
        using var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, academy.Host, academy));

        await ExecuteAsync("UPDATE tenants SET status = 'suspended' WHERE id = $1", academy.Id);

        var clock = Stopwatch.StartNew();
        while (await StatusAsync(client, academy.Host, academy) != HttpStatusCode.Forbidden)
        {
            Assert.True(clock.Elapsed < interval + TimeSpan.FromSeconds(1), $"Still served {clock.Elapsed.TotalSeconds:0.0} s after.");
            await Task.Delay(50);
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient api, string host, TestTenant tokenOf)
    {
        using var response = await api.SendAsync(host, HttpMethod.Get, "/students?pageSize=1", TestTokens.For(tokenOf));
        return response.StatusCode;
    }

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
