using Aspire.Hosting.Testing;
using Npgsql;
using TatamiTech.MigrationService;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// The services' roles get their passwords from the migration service as SCRAM verifiers: a server that logs every
/// statement has none of the stack's passwords in its log after a start, and each role still logs in with its own.
/// </summary>
[Collection(LoggedStatementsCollection.Name)]
public sealed class RolePasswordsShould(LoggedStatementsStackFixture stack)
{
    [Fact]
    public async Task NeverReachTheServerLogOfAStart()
    {
        var log = await stack.ReadServerLogAsync();

        // The log is the statements' log, and the migration service's ALTER ROLE is in it, carrying a verifier.
        Assert.Contains($"ALTER ROLE \"{DatabaseRoles.Runtime}\" LOGIN PASSWORD 'SCRAM-SHA-256$4096:", log, StringComparison.Ordinal);
        Assert.Contains($"ALTER ROLE \"{DatabaseRoles.Platform}\" LOGIN PASSWORD 'SCRAM-SHA-256$4096:", log, StringComparison.Ordinal);
        foreach (var (name, password) in await PasswordsAsync())
        {
            Assert.False(log.Contains(password, StringComparison.Ordinal), $"The server's log holds the password of {name}.");
        }
    }

    [Theory]
    [InlineData(ResourceNames.RuntimeDatabase, DatabaseRoles.Runtime)]
    [InlineData(ResourceNames.PlatformDatabase, DatabaseRoles.Platform)]
    public async Task LetEachServiceRoleLogInWithItsClearPasswordOnly(string connection, string role)
    {
        var connectionString = await ConnectionStringAsync(connection);
        await using (var login = new NpgsqlConnection(connectionString))
        {
            await login.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_user", login);
            Assert.Equal(role, await command.ExecuteScalarAsync());
        }

        var wrong = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        wrong.Password += "x";
        await using var refused = new NpgsqlConnection(wrong.ConnectionString);
        var refusal = await Assert.ThrowsAsync<PostgresException>(() => refused.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refusal.SqlState);
    }

    [Theory]
    [InlineData(ResourceNames.RuntimeDatabase, DatabaseRoles.Runtime)]
    [InlineData(ResourceNames.PlatformDatabase, DatabaseRoles.Platform)]
    public async Task KeepTheVerifierTheMigrationServiceSent(string connection, string role)
    {
        var password = new NpgsqlConnectionStringBuilder(await ConnectionStringAsync(connection)).Password!;
        await using var owner = new NpgsqlConnection(stack.OwnerConnectionString);
        await owner.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT rolpassword FROM pg_authid WHERE rolname = $1", owner)
        {
            Parameters = { new() { Value = role } },
        };
        var stored = (string)(await command.ExecuteScalarAsync())!;

        // Had the server taken the verifier for a clear password, it would have hashed it again with a salt of its
        // own: recomputing from the stored salt gives the stored value only when it kept the verifier as sent.
        var head = stored.Split('$')[1].Split(':');
        Assert.Equal(ScramVerifier.Compute(password, Convert.FromBase64String(head[1]), int.Parse(head[0])), stored);
    }

    private async Task<List<(string Name, string Password)>> PasswordsAsync()
    {
        var passwords = new List<(string, string)>();
        foreach (var name in new[] { ResourceNames.OwnerDatabase, ResourceNames.RuntimeDatabase, ResourceNames.PlatformDatabase })
        {
            var password = new NpgsqlConnectionStringBuilder(await ConnectionStringAsync(name)).Password;
            Assert.False(string.IsNullOrEmpty(password), $"{name} has no password.");
            passwords.Add((name, password));
        }

        return passwords;
    }

    private async Task<string> ConnectionStringAsync(string name) =>
        await stack.App.GetConnectionStringAsync(name) ?? throw new InvalidOperationException($"{name} has no connection string.");
}
