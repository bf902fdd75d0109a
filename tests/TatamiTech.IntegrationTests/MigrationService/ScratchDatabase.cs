using Npgsql;
using Aspire.Hosting.Testing;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.MigrationService;

/// <summary>
/// A database of a test's own on the stack's server, under a fresh name: it does not exist until a migration run
/// creates it, and is dropped when disposed.
/// </summary>
internal sealed class ScratchDatabase(StackFixture stack) : IAsyncDisposable
{
    public string Name { get; } = "tatami_scratch_" + Guid.NewGuid().ToString("N")[..8];

    public string Owner => In(stack.OwnerConnectionString);

    public string Runtime => In(stack.RuntimeConnectionString);

    /// <summary>The platform role's connection, as the stack hands it to the platform, on this database.</summary>
    public async Task<string> PlatformAsync() =>
        In(await stack.App.GetConnectionStringAsync(ResourceNames.PlatformDatabase)
            ?? throw new InvalidOperationException("The platform's database connection has no connection string."));

    public async Task<List<string>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(Owner));
        NpgsqlConnection.ClearPool(new NpgsqlConnection(Runtime));
        await OwnerSql.ExecuteAsync(stack.OwnerConnectionString, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private string In(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = Name }.ConnectionString;
}
