using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace TatamiTech.Data.Wall;

public static class RuntimeRoleCheck
{
    /// <summary>
    /// Refuses to start a service whose database role would walk through the wall: row-level security
    /// does not apply to superusers, to BYPASSRLS roles, and (unless forced) to table owners.
    /// </summary>
    public static async Task VerifyRuntimeRoleAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = dataSource.CreateCommand("""
            SELECT r.rolname, r.rolsuper, r.rolbypassrls,
                   (SELECT string_agg(c.relname, ', ' ORDER BY c.relname)
                      FROM pg_class c
                     WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p')
                       AND c.relnamespace = 'public'::regnamespace)
              FROM pg_roles r
             WHERE r.rolname = current_user
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var role = reader.GetString(0);
        var problem = reader.GetBoolean(1) ? "is a superuser"
            : reader.GetBoolean(2) ? "has BYPASSRLS"
            : !reader.IsDBNull(3) ? $"owns tables ({reader.GetString(3)})"
            : null;
        if (problem is not null)
        {
            throw new InvalidOperationException(
                $"The database role '{role}' of ConnectionStrings:{DataExtensions.ConnectionName} {problem}, so row-level security " +
                $"would not separate academies. Connect as the runtime role '{DatabaseWall.RuntimeRole}' " +
                $"(the AppHost does); the schema owner belongs in ConnectionStrings:{DataExtensions.MigrationConnectionName}, for migrations only.");
        }
    }
}
