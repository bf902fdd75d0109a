using Npgsql;

namespace TatamiTech.MigrationService;

/// <summary>
/// The migrations create the services' roles (runtime, platform) without a password; a role's password is
/// the one the AppHost put in that role's connection string, so it is set here rather than written into a
/// migration.
/// </summary>
internal static class RoleLogin
{
    public static async Task EnableAsync(
        NpgsqlConnection owner, string role, string? connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        if (connection.Username != role || string.IsNullOrEmpty(connection.Password))
        {
            // Another role, or one managed outside the app: the services' start-up role check still checks it.
            return;
        }

        // ALTER ROLE takes no parameters: the password travels as one (never in the statement text, so
        // never in a server log) and format('%L') quotes it inside the server.
        await using var command = new NpgsqlCommand(
            $"""
            SELECT set_config('tatami.role_password', @password, true);
            DO $$ BEGIN
                EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', '{role}', current_setting('tatami.role_password'));
            END $$;
            """, owner);
        command.Parameters.Add(new NpgsqlParameter<string>("password", connection.Password));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
