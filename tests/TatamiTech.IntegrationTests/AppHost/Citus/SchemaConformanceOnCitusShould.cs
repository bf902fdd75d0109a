using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.AppHost.Citus;

/// <summary>
/// The schema's tenancy rules (<see cref="SchemaConformance"/>) on the migrated cluster, where they include the rules
/// of distribution: every tenant table distributed on tenant_id and colocated, tenants a reference table, no subquery
/// in a policy.
/// </summary>
[Collection(CitusCollection.Name)]
public sealed class SchemaConformanceOnCitusShould(CitusStackFixture stack)
{
    [SkippableFact]
    public async Task HoldForEveryTenantTableOfTheMigratedCluster()
    {
        stack.SkipUnlessStarted();

        var report = await SchemaConformance.CheckAsync(stack.OwnerConnectionString);

        Assert.Superset(
            new HashSet<string> { "public.students", "public.roster_reports", "public.belt_promotions" },
            report.TenantTables.ToHashSet());
        Assert.True(report.Violations.Count == 0, "Schema breaks the tenancy rules:\n" + string.Join("\n", report.Violations));
    }

    [SkippableFact]
    public async Task NameATenantTableLeftOnTheCoordinatorOrApartFromTheOthers()
    {
        stack.SkipUnlessStarted();
        var schema = $"probe_{Guid.NewGuid():N}"[..14];
        var policy = "USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))";
        await ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.left_behind (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id));
            ALTER TABLE {schema}.left_behind ENABLE ROW LEVEL SECURITY;
            CREATE POLICY tenant_isolation ON {schema}.left_behind {policy};
            CREATE TABLE {schema}.apart (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id));
            SELECT create_distributed_table('{schema}.apart', 'tenant_id', colocate_with => 'none');
            """);
        try
        {
            var report = await SchemaConformance.CheckAsync(stack.OwnerConnectionString, schema);

            var rule = SchemaConformance.DistributionRule;
            string[] expected =
            [
                $"{schema}.left_behind: {rule}, must be a distributed table (its rows would stay on the coordinator)",
                $"{schema}.left_behind: {rule}, policy tenant_isolation may not contain a subquery (Citus refuses it)",
                $"{schema}.apart: {rule}, must be colocated with public.students",
            ];
            Assert.Equal(expected.Order(), report.Violations.Where(v => v.Contains(rule, StringComparison.Ordinal)).Order());
        }
        finally
        {
            await ExecuteAsync($"DROP SCHEMA {schema} CASCADE");
        }
    }

    private Task ExecuteAsync(string sql) => OwnerSql.ExecuteAsync(stack.OwnerConnectionString, sql);
}
