using Npgsql;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>Test-only SQL run past the wall (as the owner), on a connection of its own.</summary>
public static class OwnerSql
{
    public static async Task ExecuteAsync(string ownerConnectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
