using TatamiTech.Data.Distribution;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Data;

/// <summary>The tenancy rules of the schema, checked against the database the migrations built.</summary>
[Collection(StackCollection.Name)]
public sealed class SchemaConformanceShould(StackFixture stack)
{
    [Fact]
    public async Task HoldForEveryTenantTableOfTheMigratedDatabase()
    {
        var report = await SchemaConformance.CheckAsync(stack.OwnerConnectionString);

        Assert.Superset(
            new HashSet<string> { "public.students", "public.roster_reports", "public.belt_promotions" },
            report.TenantTables.ToHashSet());
        Assert.True(report.Violations.Count == 0, "Schema breaks the tenancy rules:\n" + string.Join("\n", report.Violations));
    }

    [Fact]
    public async Task NameTheTableAndTheRuleOfANonConformingTable()
    {
        var schema = $"probe_{Guid.NewGuid():N}"[..14];
        await ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.members (
                id uuid PRIMARY KEY,
                tenant_id uuid REFERENCES public.tenants (id) ON DELETE CASCADE,
                email text UNIQUE);
            CREATE TABLE {schema}.visits (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                member_id uuid NOT NULL REFERENCES {schema}.members (id),
                PRIMARY KEY (tenant_id, id));
            ALTER TABLE {schema}.visits ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {schema}.visits FORCE ROW LEVEL SECURITY;
            CREATE POLICY tenant_isolation ON {schema}.visits
                USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
                WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
            CREATE POLICY staff_sees_all ON {schema}.visits USING (true);
            CREATE TABLE {schema}.badges (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                code text NOT NULL,
                PRIMARY KEY (tenant_id, id));
            CREATE UNIQUE INDEX badges_code ON {schema}.badges (code) INCLUDE (tenant_id);
            ALTER TABLE {schema}.badges ENABLE ROW LEVEL SECURITY;
            ALTER TABLE {schema}.badges FORCE ROW LEVEL SECURITY;
            CREATE POLICY tenant_isolation ON {schema}.badges
                USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
                WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
            CREATE POLICY writes_anywhere ON {schema}.badges
                USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (true);
            GRANT SELECT, DELETE ON {schema}.badges TO tatami_platform;
            """);
        try
        {
            var report = await SchemaConformance.CheckAsync(stack.OwnerConnectionString, schema);

            string[] expected =
            [
                $"{schema}.members: tenant_id must be NOT NULL",
                $"{schema}.members: row-level security must be enabled",
                $"{schema}.members: row-level security must be forced (FORCE ROW LEVEL SECURITY)",
                $"{schema}.members: needs a policy FOR ALL with USING and WITH CHECK comparing tenant_id " +
                    "with current_setting('app.tenant_id')",
                $"{schema}.members: unique index members_pkey must include tenant_id",
                $"{schema}.members: unique index members_email_key must include tenant_id",
                $"{schema}.members: foreign key members_tenant_id_fkey must not cascade, set null or set default " +
                    "on delete from tenants (action 'c')",
                $"{schema}.visits: permissive policies not scoped to app.tenant_id: staff_sees_all",
                $"{schema}.visits: foreign key visits_member_id_fkey must reference its parent by (tenant_id, ...) " +
                    "matched to the parent's tenant_id",
                $"{schema}.badges: permissive policies not scoped to app.tenant_id: writes_anywhere",
                $"{schema}.badges: unique index badges_code must include tenant_id",
                $"{schema}.members: the platform role tatami_platform needs SELECT and DELETE (academy export and erasure)",
                $"{schema}.visits: the platform role tatami_platform needs SELECT and DELETE (academy export and erasure)",
            ];
            Assert.Equal(expected.Order(), report.Violations.Order());
        }
        finally
        {
            await ExecuteAsync($"DROP SCHEMA {schema} CASCADE");
        }
    }

    [Fact]
    public async Task NameTheRuleThatKeepsATableFromBeingDistributed()
    {
        var schema = $"probe_{Guid.NewGuid():N}"[..14];
        await ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.ledger (tenant_id text NOT NULL, entry text NOT NULL);
            CREATE TABLE {schema}.plans (id uuid PRIMARY KEY, name text NOT NULL);
            CREATE TABLE {schema}.subscriptions (
                tenant_id uuid NOT NULL,
                id uuid NOT NULL,
                plan_id uuid NOT NULL,
                PRIMARY KEY (tenant_id, id),
                CONSTRAINT subscription_plan FOREIGN KEY (plan_id) REFERENCES {schema}.plans (id));
            CREATE TABLE {schema}.local_notes (
                id uuid PRIMARY KEY,
                academy uuid NOT NULL,
                subscription uuid NOT NULL,
                CONSTRAINT note_subscription FOREIGN KEY (academy, subscription) REFERENCES {schema}.subscriptions (tenant_id, id));
            CREATE FUNCTION {schema}.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
            CREATE TRIGGER touch BEFORE UPDATE ON {schema}.subscriptions FOR EACH ROW EXECUTE FUNCTION {schema}.touch();
            """);
        try
        {
            var report = await SchemaConformance.CheckAsync(stack.OwnerConnectionString, schema);

            var rule = SchemaConformance.DistributionRule;
            string[] expected =
            [
                $"{schema}.ledger: {rule}, tenant_id must be uuid like every other tenant table's (colocation), not text",
                $"{schema}.ledger: {rule}, needs a primary key (replica identity)",
                $"{schema}.subscriptions: {rule}, foreign key subscription_plan may reference only tenant or reference tables, " +
                    $"not {schema}.plans (it would stay on the coordinator)",
                $"{schema}.local_notes: {rule}, foreign key note_subscription of a table without tenant_id " +
                    $"may not reference the tenant table {schema}.subscriptions",
                $"{schema}.subscriptions: {rule}, trigger touch must go (not run on shards)",
            ];
            Assert.Equal(expected.Order(), report.Violations.Where(v => v.Contains(rule, StringComparison.Ordinal)).Order());
        }
        finally
        {
            await ExecuteAsync($"DROP SCHEMA {schema} CASCADE");
        }
    }

    [Fact]
    public async Task NameAPlacementFunctionThatAnyRoleMayRun()
    {
        var schema = $"probe_{Guid.NewGuid():N}"[..14];
        await ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE FUNCTION {schema}.{AcademyPlacementFunctions.Move}(academy uuid, node integer) RETURNS void
                LANGUAGE sql SECURITY DEFINER AS 'SELECT';
            CREATE FUNCTION {schema}.{AcademyPlacementFunctions.Isolate}(academy uuid) RETURNS bigint
                LANGUAGE sql SECURITY DEFINER AS 'SELECT 0::bigint';
            REVOKE ALL ON FUNCTION {schema}.{AcademyPlacementFunctions.Isolate}(uuid) FROM PUBLIC;
            """);
        try
        {
            var report = await SchemaConformance.CheckAsync(stack.OwnerConnectionString, schema);

            Assert.Equal(
                [$"{schema}.{AcademyPlacementFunctions.Move}: only the platform role may run a placement function (it runs as the tables' owner)"],
                report.Violations);
        }
        finally
        {
            await ExecuteAsync($"DROP SCHEMA {schema} CASCADE");
        }
    }

    private Task ExecuteAsync(string sql) => OwnerSql.ExecuteAsync(stack.OwnerConnectionString, sql);
}
