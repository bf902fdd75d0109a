using Microsoft.Extensions.Logging;
using Npgsql;

namespace TatamiTech.MigrationService;

/// <summary>
/// The migrations create the services' roles (runtime, platform) without a password; a role's password is
/// the one the AppHost put in that role's connection string, so it is set here rather than written into a
/// migration.
/// </summary>
internal static partial class RoleLogin
{
    public static async Task EnableAsync(
        NpgsqlConnection owner, string role, string? connectionString, ILogger logger, CancellationToken cancellationToken)
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
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // An owner without CREATEROLE (a managed server's usual grant) may alter no role but its own. An operator
            // who created the role with its login and password has done this step; a role that cannot log in is
            // one nobody has, and the services would fail on it later with less to go on.
            if (!await CanLogInAsync(owner, role, cancellationToken))
            {
                throw new InvalidOperationException(
                    $"Role '{role}' cannot log in, and the owner '{owner.UserName}' may not let it (no CREATEROLE). Create " +
                    $"the role WITH LOGIN and the password of its connection string, or grant the owner CREATEROLE.", ex);
            }

            LogLeftAlone(logger, role);
        }
    }

    private static async Task<bool> CanLogInAsync(NpgsqlConnection owner, string role, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", owner)
        {
            Parameters = { new NpgsqlParameter<string> { TypedValue = role } },
        };
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Role {Role} logs in as its creator made it: the owner may not alter roles (no CREATEROLE)")]
    private static partial void LogLeftAlone(ILogger logger, string role);
}
