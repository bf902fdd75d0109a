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

        // Only the verifier reaches the server: a statement and its parameters can be written to the server's log
        // (log_statement), and ALTER ROLE takes no parameters anyway. Postgres stores a value in this form as it is;
        // the verifier holds only base64 and '$:', and the role is one of ours, so neither needs more than quoting.
        var verifier = ScramVerifier.Compute(connection.Password);
        var quotedRole = "\"" + role.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var command = new NpgsqlCommand($"ALTER ROLE {quotedRole} LOGIN PASSWORD '{verifier}'", owner);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
