using Microsoft.EntityFrameworkCore;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Names;

namespace TatamiTech.MigrationService;

/// <summary>
/// The migrations create the runtime role without a password; its password is the one the AppHost gave
/// the services, so it is set here rather than written into a migration.
/// </summary>
internal static class RuntimeLogin
{
    public static async Task EnableAsync(TatamiDbContext owner, string? runtimeConnectionString, CancellationToken cancellationToken)
    {
        var runtime = new NpgsqlConnectionStringBuilder(runtimeConnectionString);
        if (runtime.Username != DatabaseRoles.Runtime || string.IsNullOrEmpty(runtime.Password))
        {
            // Another role, or one managed outside the app: VerifyRuntimeRoleAsync still checks it.
            return;
        }

        // ALTER ROLE takes no parameters: the password travels as one (never in the statement text, so
        // never in a server log) and format('%L') quotes it inside the server.
        var connection = (NpgsqlConnection)owner.Database.GetDbConnection();
        await owner.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(
                $"""
                SELECT set_config('tatami.runtime_password', @password, true);
                DO $$ BEGIN
                    EXECUTE format('ALTER ROLE {DatabaseRoles.Runtime} LOGIN PASSWORD %L', current_setting('tatami.runtime_password'));
                END $$;
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<string>("password", runtime.Password));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await owner.Database.CloseConnectionAsync();
        }
    }
}
