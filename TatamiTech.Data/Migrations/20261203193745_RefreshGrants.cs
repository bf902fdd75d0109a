using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <summary>
    /// People's sign-in grants, one per app sign-in with offline access: the refresh token that may be used next, and
    /// the revocation a replayed one causes. A tenant table behind the wall.
    /// </summary>
    public partial class RefreshGrants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sign_in_grants",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    current_refresh = table.Column<Guid>(type: "uuid", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sign_in_grants", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_sign_in_grants_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_sign_in_grants_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sign_in_grants_account_id",
                table: "sign_in_grants",
                column: "account_id");

            migrationBuilder.Sql("""
                ALTER TABLE sign_in_grants ENABLE ROW LEVEL SECURITY;
                ALTER TABLE sign_in_grants FORCE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation ON sign_in_grants
                    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
                    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
                GRANT SELECT, INSERT, UPDATE, DELETE ON sign_in_grants TO tatami_app;
                GRANT SELECT, INSERT, DELETE ON sign_in_grants TO tatami_platform;
                GRANT SELECT, INSERT, UPDATE (current_refresh, revoked_at) ON sign_in_grants TO tatami_identity;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sign_in_grants");
        }
    }
}
