using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Data.Wall;

/// <summary>
/// The start-up role check refuses a role that could reach around row-level security without being a superuser:
/// each probe is a fresh login role given one such power on the stack's server, then the API is started as it.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ServiceRoleCheckShould(StackFixture stack)
{
    private const string ProbePassword = "probe-password-of-no-importance";

    [Fact]
    public async Task RefuseARoleWithReplication()
    {
        var probe = NewProbe();
        var refusal = await RefusalAsync(probe, $"ALTER ROLE {probe} REPLICATION");

        Assert.Contains("has REPLICATION", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefuseAMemberOfARoleWithReplication()
    {
        var probe = NewProbe();
        var refusal = await RefusalAsync(probe, $"CREATE ROLE {probe}_via NOLOGIN REPLICATION; GRANT {probe}_via TO {probe}");

        Assert.Contains($"has REPLICATION, or is a member of a role that has it ({probe}_via)", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pg_read_all_data")]
    [InlineData("pg_write_all_data")]
    public async Task RefuseADirectMemberOfARoleThatReachesEveryTable(string allData)
    {
        var probe = NewProbe();
        var refusal = await RefusalAsync(probe, $"GRANT {allData} TO {probe}");

        Assert.Contains($"is a member of a role that reads or writes every table ({allData})", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pg_read_all_data")]
    [InlineData("pg_write_all_data")]
    public async Task RefuseAnInheritedMemberOfARoleThatReachesEveryTable(string allData)
    {
        var probe = NewProbe();
        var refusal = await RefusalAsync(
            probe, $"CREATE ROLE {probe}_via NOLOGIN; GRANT {allData} TO {probe}_via; GRANT {probe}_via TO {probe}");

        Assert.Contains($"is a member of a role that reads or writes every table ({allData})", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefuseTheOwnerOfTheSchema()
    {
        var owner = await ScalarAsOwnerAsync("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'");

        var probe = NewProbe();
        var refusal = await RefusalAsync(
            probe,
            $"ALTER SCHEMA public OWNER TO {probe}",
            cleanup: $"ALTER SCHEMA public OWNER TO {owner}");

        Assert.Contains("owns the schema, or is a member of its owner (public)", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefuseTheOwnerOfTheDatabase()
    {
        var owner = await ScalarAsOwnerAsync("SELECT datdba::regrole::text FROM pg_database WHERE datname = current_database()");

        var probe = NewProbe();
        var refusal = await RefusalAsync(
            probe,
            $"ALTER DATABASE \"{ResourceNames.OwnerDatabase}\" OWNER TO {probe}",
            cleanup: $"ALTER DATABASE \"{ResourceNames.OwnerDatabase}\" OWNER TO {owner}");

        Assert.Contains(
            $"owns the database, or is a member of its owner ({ResourceNames.OwnerDatabase})", refusal, StringComparison.Ordinal);
    }

    private static string NewProbe() => $"probe_{Guid.NewGuid():N}"[..20];

    /// <summary>
    /// Creates the login role <paramref name="probe"/>, runs <paramref name="grant"/>, starts the API as the probe and
    /// returns the refusal's message; runs <paramref name="cleanup"/> and drops the probe (and its helper role,
    /// <c>&lt;probe&gt;_via</c>) either way.
    /// </summary>
    private async Task<string> RefusalAsync(string probe, string grant, string? cleanup = null)
    {
        await ExecuteAsOwnerAsync($"CREATE ROLE {probe} LOGIN PASSWORD '{ProbePassword}'");
        try
        {
            await ExecuteAsOwnerAsync(grant);
            var connection = new NpgsqlConnectionStringBuilder(stack.RuntimeConnectionString)
            {
                Username = probe,
                Password = ProbePassword,
            };
            await using var api = new InProcessApi(stack, runtimeConnectionString: connection.ConnectionString);

            var refusal = await Assert.ThrowsAsync<InvalidOperationException>(api.StartAsync);

            Assert.Contains($"The database role '{probe}'", refusal.Message, StringComparison.Ordinal);
            return refusal.Message;
        }
        finally
        {
            if (cleanup is not null)
            {
                await ExecuteAsOwnerAsync(cleanup);
            }

            await ExecuteAsOwnerAsync($"DROP ROLE IF EXISTS {probe}; DROP ROLE IF EXISTS {probe}_via");
        }
    }

    private async Task ExecuteAsOwnerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string> ScalarAsOwnerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
