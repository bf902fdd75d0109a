using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <inheritdoc />
    public partial class DatabaseWall : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_students",
                table: "students");

            migrationBuilder.DropPrimaryKey(
                name: "pk_roster_reports",
                table: "roster_reports");

            migrationBuilder.AddPrimaryKey(
                name: "pk_students",
                table: "students",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_roster_reports",
                table: "roster_reports",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateTable(
                name: "belt_promotions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    student_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_rank = table.Column<string>(type: "text", nullable: false),
                    to_rank = table.Column<string>(type: "text", nullable: false),
                    promoted_on = table.Column<DateOnly>(type: "date", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_belt_promotions", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_belt_promotions_students_tenant_id_student_id",
                        columns: x => new { x.tenant_id, x.student_id },
                        principalTable: "students",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_belt_promotions_tenant_id_student_id_promoted_on",
                table: "belt_promotions",
                columns: new[] { "tenant_id", "student_id", "promoted_on" });

            // The runtime role: no login until the API sets its password at start; never superuser,
            // owner or BYPASSRLS. Roles belong to the server, so a second database on it reuses the role.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tatami_app') THEN
                        CREATE ROLE tatami_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
                    END IF;
                END
                $$;
                """);

            // CALL returns no result set, so it can lead any query's batch. is_local = true: the
            // setting ends with the transaction, which for a lone batch is the batch itself.
            migrationBuilder.Sql("""
                CREATE PROCEDURE app_set_tenant(tenant uuid)
                LANGUAGE sql
                AS $$ SELECT set_config('app.tenant_id', coalesce(tenant::text, ''), true) $$;
                """);

            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"""
                    ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                    ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                    CREATE POLICY tenant_isolation ON {table}
                        USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
                        WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
                    GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO tatami_app;
                    """);
            }

            migrationBuilder.Sql("""
                GRANT USAGE ON SCHEMA public TO tatami_app;
                GRANT SELECT ON tenants TO tatami_app;
                GRANT EXECUTE ON PROCEDURE app_set_tenant(uuid) TO tatami_app;
                """);
        }

        private static readonly string[] TenantTables = ["students", "roster_reports", "belt_promotions"];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"""
                    REVOKE ALL ON {table} FROM tatami_app;
                    DROP POLICY IF EXISTS tenant_isolation ON {table};
                    ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
                    ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
                    """);
            }

            // The role stays (it belongs to the server and may serve another database) but can no longer log in.
            migrationBuilder.Sql("""
                ALTER ROLE tatami_app NOLOGIN PASSWORD NULL;
                REVOKE ALL ON tenants FROM tatami_app;
                REVOKE USAGE ON SCHEMA public FROM tatami_app;
                DROP PROCEDURE app_set_tenant(uuid);
                """);

            migrationBuilder.DropTable(
                name: "belt_promotions");

            migrationBuilder.DropPrimaryKey(
                name: "pk_students",
                table: "students");

            migrationBuilder.DropPrimaryKey(
                name: "pk_roster_reports",
                table: "roster_reports");

            migrationBuilder.AddPrimaryKey(
                name: "pk_students",
                table: "students",
                column: "id");

            migrationBuilder.AddPrimaryKey(
                name: "pk_roster_reports",
                table: "roster_reports",
                column: "id");
        }
    }
}
