using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <summary>
    /// People's sign-in: accounts (one per person, a reference table like the directory), their memberships in academies
    /// and the authorization codes already redeemed (both tenant tables behind the wall).
    /// </summary>
    public partial class PeopleSignIn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: false),
                    failed_sign_ins = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_accounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "redeemed_codes",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    redeemed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_redeemed_codes", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_redeemed_codes_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "memberships",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_memberships", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_memberships_role", "role IN ('owner', 'coach', 'front-desk', 'student')");
                    table.ForeignKey(
                        name: "fk_memberships_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_memberships_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_email",
                table: "accounts",
                column: "email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_memberships_account_id",
                table: "memberships",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_memberships_tenant_id_account_id",
                table: "memberships",
                columns: new[] { "tenant_id", "account_id" },
                unique: true);

            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"""
                    ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                    ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                    CREATE POLICY tenant_isolation ON {table}
                        USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
                        WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
                    GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO tatami_app;
                    GRANT SELECT, INSERT, DELETE ON {table} TO tatami_platform;
                    """);
            }

            // The identity service reads accounts and memberships and records redeemed codes; of an account it writes
            // only the lockout's columns.
            migrationBuilder.Sql("""
                GRANT SELECT, UPDATE (failed_sign_ins, locked_until) ON accounts TO tatami_identity;
                GRANT SELECT ON memberships TO tatami_identity;
                GRANT SELECT, INSERT ON redeemed_codes TO tatami_identity;
                """);
        }

        private static readonly string[] TenantTables = ["memberships", "redeemed_codes"];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "memberships");

            migrationBuilder.DropTable(
                name: "redeemed_codes");

            migrationBuilder.DropTable(
                name: "accounts");
        }
    }
}
