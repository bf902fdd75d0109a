using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <summary>
    /// The same wall, cheaper per query: the procedure in PL/pgSQL (compiled once per session, where a SQL
    /// procedure is planned on every CALL), and the policy's tenant read once per query (a scalar
    /// subquery becomes an InitPlan) instead of once per row.
    /// </summary>
    public partial class WallFastPath : Migration
    {
        private static readonly string[] TenantTables = ["students", "roster_reports", "belt_promotions"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE PROCEDURE app_set_tenant(tenant uuid)
                LANGUAGE plpgsql
                AS $$
                BEGIN
                    PERFORM set_config('app.tenant_id', coalesce(tenant::text, ''), true);
                END
                $$;
                """);

            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"""
                    ALTER POLICY tenant_isolation ON {table}
                        USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
                        WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"""
                    ALTER POLICY tenant_isolation ON {table}
                        USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
                        WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
                    """);
            }

            migrationBuilder.Sql("""
                CREATE OR REPLACE PROCEDURE app_set_tenant(tenant uuid)
                LANGUAGE sql
                AS $$ SELECT set_config('app.tenant_id', coalesce(tenant::text, ''), true) $$;
                """);
        }
    }
}
