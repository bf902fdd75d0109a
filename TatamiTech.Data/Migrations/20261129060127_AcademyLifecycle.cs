using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <summary>
    /// Academies get a lifecycle (active or suspended), the platform role that alone writes the directory,
    /// and the append-only audit of platform actions. The platform role reaches an academy's rows only
    /// through the same row-level security as the services: it deletes them inside that academy's scope.
    /// </summary>
    public partial class AcademyLifecycle : Migration
    {
        private static readonly string[] TenantTables = ["students", "belt_promotions", "roster_reports"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "tenants",
                type: "text",
                nullable: false,
                defaultValue: "active");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "suspended_at",
                table: "tenants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "suspended_reason",
                table: "tenants",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "platform_audit",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    @operator = table.Column<string>(name: "operator", type: "text", nullable: false),
                    action = table.Column<string>(type: "text", nullable: false),
                    academy_id = table.Column<Guid>(type: "uuid", nullable: false),
                    academy_slug = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_platform_audit", x => x.id);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_tenants_status",
                table: "tenants",
                sql: "status IN ('active', 'suspended')");

            migrationBuilder.CreateIndex(
                name: "ix_platform_audit_academy_id_occurred_at",
                table: "platform_audit",
                columns: new[] { "academy_id", "occurred_at" });

            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tatami_platform') THEN
                        CREATE ROLE tatami_platform NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
                    END IF;
                END
                $$;
                GRANT USAGE ON SCHEMA public TO tatami_platform;
                GRANT SELECT, INSERT, UPDATE, DELETE ON tenants TO tatami_platform;
                GRANT SELECT, INSERT ON platform_audit TO tatami_platform;
                GRANT EXECUTE ON PROCEDURE app_set_tenant(uuid) TO tatami_platform;
                """);
            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"GRANT SELECT, DELETE ON {table} TO tatami_platform;");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"REVOKE ALL ON {table} FROM tatami_platform;");
            }

            migrationBuilder.Sql("""
                ALTER ROLE tatami_platform NOLOGIN PASSWORD NULL;
                REVOKE ALL ON tenants FROM tatami_platform;
                REVOKE ALL ON platform_audit FROM tatami_platform;
                REVOKE EXECUTE ON PROCEDURE app_set_tenant(uuid) FROM tatami_platform;
                REVOKE USAGE ON SCHEMA public FROM tatami_platform;
                """);

            migrationBuilder.DropTable(
                name: "platform_audit");

            migrationBuilder.DropCheckConstraint(
                name: "ck_tenants_status",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "status",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "suspended_at",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "suspended_reason",
                table: "tenants");
        }
    }
}
