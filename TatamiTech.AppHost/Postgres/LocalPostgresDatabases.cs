using Npgsql;

namespace TatamiTech.AppHost.Postgres;

/// <summary>The databases of a local server: created once it is healthy, their state published by hand.</summary>
internal static class LocalPostgresDatabases
{
    public static IEnumerable<LocalPostgresDatabaseResource> Of(
        IDistributedApplicationBuilder builder,
        LocalPostgresServerResource server) =>
        builder.Resources.OfType<LocalPostgresDatabaseResource>().Where(d => d.Parent == server);

    /// <summary>Creates the databases that do not exist yet, then marks them running.</summary>
    public static async Task CreateAsync(
        IEnumerable<LocalPostgresDatabaseResource> databases,
        string serverConnectionString,
        ResourceNotificationService notifications,
        CancellationToken ct)
    {
        foreach (var database in databases)
        {
            await CreateDatabaseAsync(serverConnectionString, database.DatabaseName, ct);
            // DCP publishes no state for children of an executable: without this, WaitFor never returns.
            await notifications.PublishUpdateAsync(database, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        }
    }

    /// <summary>Whatever waits for the databases would otherwise wait forever.</summary>
    public static async Task FailAsync(IEnumerable<LocalPostgresDatabaseResource> databases, ResourceNotificationService notifications)
    {
        foreach (var database in databases)
        {
            await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.FailedToStart });
        }
    }

    private static async Task CreateDatabaseAsync(string serverConnectionString, string databaseName, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString + ";Database=postgres");
        await connection.OpenAsync(ct);

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = databaseName });
        if (await exists.ExecuteScalarAsync(ct) is not null)
        {
            return;
        }

        var quoted = "\"" + databaseName.Replace("\"", "\"\"") + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        await create.ExecuteNonQueryAsync(ct);
    }
}
