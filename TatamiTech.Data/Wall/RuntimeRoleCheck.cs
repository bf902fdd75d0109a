using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TatamiTech.Names;

namespace TatamiTech.Data.Wall;

public static class RuntimeRoleCheck
{
    /// <summary>
    /// Refuses to start a service whose database role would walk through the wall: row-level security
    /// does not apply to superusers, to BYPASSRLS roles, and (unless forced) to table owners; a member of
    /// such a role, or a role that can create roles, could become one; a member of the roles that run
    /// programs on the server or read and write its files can reach the data around the database; a REPLICATION
    /// role can stream every row past the policies; the members of pg_read_all_data and pg_write_all_data read and
    /// write every table whatever it was granted (the directory and the audit included); and the owner of the
    /// schema or of the database can drop, rename or shadow the tables the policies are on.
    /// </summary>
    public static Task VerifyRuntimeRoleAsync(this IHost app, CancellationToken cancellationToken = default) =>
        app.VerifyDatabaseRoleAsync(ConnectionNames.Runtime, DatabaseRoles.Runtime, cancellationToken);

    /// <summary>The same check for a service's own connection and the role it should run as.</summary>
    public static async Task VerifyDatabaseRoleAsync(
        this IHost app, string connectionName, string expectedRole, CancellationToken cancellationToken = default)
    {
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        // pg_has_role(..., 'MEMBER') follows memberships through other roles, with or without INHERIT: a member of a
        // role can SET ROLE to it, so membership counts as much as the attribute itself.
        await using var command = dataSource.CreateCommand("""
            SELECT r.rolname, r.rolsuper, r.rolbypassrls,
                   (SELECT string_agg(DISTINCT c.relname, ', ')
                      FROM pg_class c
                     WHERE c.relkind IN ('r', 'p') AND pg_has_role(r.oid, c.relowner, 'MEMBER')),
                   r.rolcreaterole,
                   (SELECT string_agg(o.rolname, ', ')
                      FROM pg_roles o
                     WHERE o.oid <> r.oid AND (o.rolsuper OR o.rolbypassrls) AND pg_has_role(r.oid, o.oid, 'MEMBER')),
                   (SELECT string_agg(o.rolname, ', ')
                      FROM pg_roles o
                     WHERE o.rolname IN ('pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files')
                       AND pg_has_role(r.oid, o.oid, 'MEMBER')),
                   (SELECT string_agg(o.rolname, ', ')
                      FROM pg_roles o
                     WHERE o.rolreplication AND pg_has_role(r.oid, o.oid, 'MEMBER')),
                   (SELECT string_agg(o.rolname, ', ')
                      FROM pg_roles o
                     WHERE o.rolname IN ('pg_read_all_data', 'pg_write_all_data') AND pg_has_role(r.oid, o.oid, 'MEMBER')),
                   (SELECT d.datname
                      FROM pg_database d
                     WHERE d.datname = current_database() AND pg_has_role(r.oid, d.datdba, 'MEMBER')),
                   (SELECT string_agg(n.nspname, ', ')
                      FROM pg_namespace n
                     WHERE (n.nspname = current_schema()
                            OR n.oid IN (SELECT c.relnamespace FROM pg_class c WHERE c.relkind IN ('r', 'p')))
                       AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
                       AND pg_has_role(r.oid, n.nspowner, 'MEMBER'))
              FROM pg_roles r
             WHERE r.rolname = current_user
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var role = reader.GetString(0);
        var problem = reader.GetBoolean(1) ? "is a superuser"
            : reader.GetBoolean(2) ? "has BYPASSRLS"
            : !reader.IsDBNull(3) ? $"owns tables, or is a member of their owner ({reader.GetString(3)})"
            : reader.GetBoolean(4) ? "has CREATEROLE"
            : !reader.IsDBNull(5) ? $"is a member of a superuser or BYPASSRLS role ({reader.GetString(5)})"
            : !reader.IsDBNull(6) ? $"is a member of a role that reaches the server's programs or files ({reader.GetString(6)})"
            : !reader.IsDBNull(7) ? $"has REPLICATION, or is a member of a role that has it ({reader.GetString(7)})"
            : !reader.IsDBNull(8) ? $"is a member of a role that reads or writes every table ({reader.GetString(8)})"
            : !reader.IsDBNull(9) ? $"owns the database, or is a member of its owner ({reader.GetString(9)})"
            : !reader.IsDBNull(10) ? $"owns the schema, or is a member of its owner ({reader.GetString(10)})"
            : null;
        if (problem is not null)
        {
            throw new InvalidOperationException(
                $"The database role '{role}' of {ConfigurationKeys.ConnectionString(connectionName)} {problem}, so " +
                $"row-level security would not separate academies. Connect as the role '{expectedRole}' " +
                $"(the AppHost does); the schema owner belongs only to the migration service " +
                $"({ConfigurationKeys.ConnectionString(ConnectionNames.Owner)}).");
        }
    }
}
