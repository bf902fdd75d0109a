using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Data;

/// <summary>
/// Nothing in the schema goes around the policies (<see cref="PolicyBypasses"/>, part of the schema conformance
/// check): the migrated database has no such object, and a scratch schema holding one of each is caught, object by
/// object, while the same kinds of object done right are not.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PolicyBypassesShould(StackFixture stack)
{
    [Fact]
    public async Task FindNoneInTheMigratedDatabaseWhoseDirectoryOnlyAnnounces()
    {
        var violations = new List<string>();
        await using var connection = await OpenAsync();
        await PolicyBypasses.CheckAsync(connection, "public", violations);

        Assert.Empty(violations);
        // The directory's trigger is there, and is not taken for a write across academies: it only calls pg_notify.
        await using var trigger = new NpgsqlCommand(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.tenants'::regclass AND tgname = 'tenants_announce_change'",
            connection);
        Assert.Equal(1L, await trigger.ExecuteScalarAsync());
    }

    [Fact]
    public async Task NameEveryObjectThatGoesAroundThePolicies()
    {
        var schema = $"bypass_{Guid.NewGuid():N}"[..15];
        var role = $"{schema}_owner";
        await ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE VIEW {schema}.open_roster AS SELECT tenant_id, id, email FROM public.students;
            CREATE VIEW {schema}.invoked_roster WITH (security_invoker = true) AS SELECT tenant_id, id FROM public.students;
            CREATE VIEW {schema}.roster_counts AS SELECT tenant_id, count(*) FROM {schema}.invoked_roster GROUP BY tenant_id;
            CREATE VIEW {schema}.academies AS SELECT id, slug FROM public.tenants;
            CREATE MATERIALIZED VIEW {schema}.roster_snapshot AS
                SELECT tenant_id, count(*) AS students FROM public.students GROUP BY tenant_id WITH NO DATA;

            CREATE FUNCTION {schema}.count_everyone() RETURNS bigint LANGUAGE sql SECURITY DEFINER
                AS 'SELECT count(*) FROM public.students';
            CREATE FUNCTION {schema}.count_mine() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM public.students';

            CREATE TABLE {schema}.departures (id uuid PRIMARY KEY);
            CREATE FUNCTION {schema}.remove_student() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                DELETE FROM public.students WHERE id = NEW.id;
                RETURN NULL;
            END
            $fn$;
            CREATE TRIGGER remove_student AFTER INSERT ON {schema}.departures
                FOR EACH ROW EXECUTE FUNCTION {schema}.remove_student();
            CREATE FUNCTION {schema}.announce() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                PERFORM pg_notify('departures', NEW.id::text);
                RETURN NULL;
            END
            $fn$;
            CREATE TRIGGER announce AFTER INSERT ON {schema}.departures FOR EACH ROW EXECUTE FUNCTION {schema}.announce();

            CREATE TABLE {schema}.inbox (id uuid PRIMARY KEY);
            CREATE RULE forward AS ON DELETE TO {schema}.inbox DO ALSO DELETE FROM public.belt_promotions WHERE id = OLD.id;

            CREATE ROLE {role} NOLOGIN;
            CREATE TABLE {schema}.visits (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id));
            ALTER TABLE {schema}.visits OWNER TO {role};
            CREATE TABLE {schema}.badges (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id));
            """);
        try
        {
            var violations = new List<string>();
            await using (var connection = await OpenAsync())
            {
                await PolicyBypasses.CheckAsync(connection, schema, violations);
            }

            string[] expected =
            [
                $"{schema}.open_roster: a view over a tenant table must be security_invoker (WITH (security_invoker = true))",
                $"{schema}.roster_counts: a view over a tenant table must be security_invoker (WITH (security_invoker = true))",
                $"{schema}.roster_snapshot: a materialized view must not read a tenant table (its rows escape the policies)",
                $"{schema}.count_everyone: no function may be SECURITY DEFINER but the wall's own " +
                    "(it runs past the caller's policies)",
                $"{schema}.departures: trigger remove_student must not write the tenant table students " +
                    "(it writes past the academy in scope)",
                $"{schema}.inbox: rule forward must go (a rule on or into a tenant table rewrites writes past the policies)",
                $"{schema}.visits: owned by {role}; only the schema's owner (the owner of tenants) may own a tenant table",
            ];
            Assert.Equal(expected.Order(), violations.Order());
        }
        finally
        {
            await ExecuteAsync($"DROP SCHEMA {schema} CASCADE; DROP ROLE {role};");
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(stack.OwnerConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
