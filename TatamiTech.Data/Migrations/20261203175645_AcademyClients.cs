using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <summary>
    /// Academies' integrations (OAuth clients of one academy) behind the same wall as every tenant table, and the
    /// identity service's role, which reads them one academy at a time.
    /// </summary>
    public partial class AcademyClients : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "academy_clients",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    secret_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_academy_clients", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_academy_clients_role", "role IN ('owner', 'coach', 'front-desk', 'student')");
                    table.ForeignKey(
                        name: "fk_academy_clients_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_academy_clients_tenant_id_client_id",
                table: "academy_clients",
                columns: new[] { "tenant_id", "client_id" },
                unique: true);

            // The identity service's role, as bound as the runtime role: never superuser, owner or BYPASSRLS; no
            // login until the migration service sets its password.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tatami_identity') THEN
                        CREATE ROLE tatami_identity NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
                    END IF;
                END
                $$;
                GRANT USAGE ON SCHEMA public TO tatami_identity;
                GRANT SELECT ON tenants TO tatami_identity;
                GRANT EXECUTE ON PROCEDURE app_set_tenant(uuid) TO tatami_identity;

                ALTER TABLE academy_clients ENABLE ROW LEVEL SECURITY;
                ALTER TABLE academy_clients FORCE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation ON academy_clients
                    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
                    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
                GRANT SELECT ON academy_clients TO tatami_identity;
                GRANT SELECT, INSERT, DELETE ON academy_clients TO tatami_platform;
                GRANT SELECT, INSERT, UPDATE, DELETE ON academy_clients TO tatami_app;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER ROLE tatami_identity NOLOGIN PASSWORD NULL;
                REVOKE ALL ON tenants FROM tatami_identity;
                REVOKE EXECUTE ON PROCEDURE app_set_tenant(uuid) FROM tatami_identity;
                REVOKE USAGE ON SCHEMA public FROM tatami_identity;
                """);
            migrationBuilder.DropTable(
                name: "academy_clients");
        }
    }
}
