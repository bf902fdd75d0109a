using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <summary>
    /// Invitations to join an academy (a tenant table behind the wall). The identity service accepts them: it reads and
    /// closes an invitation, and creates the account and the membership it leads to.
    /// </summary>
    public partial class Invitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "invitations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invitations", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_invitations_role", "role IN ('owner', 'coach', 'front-desk', 'student')");
                    table.ForeignKey(
                        name: "fk_invitations_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_invitations_tenant_id_token_hash",
                table: "invitations",
                columns: new[] { "tenant_id", "token_hash" },
                unique: true);

            migrationBuilder.Sql("""
                ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
                ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation ON invitations
                    USING (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
                    WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));
                GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO tatami_app;
                GRANT SELECT, INSERT, DELETE ON invitations TO tatami_platform;
                GRANT SELECT, UPDATE (accepted_at) ON invitations TO tatami_identity;
                GRANT INSERT ON accounts TO tatami_identity;
                GRANT INSERT ON memberships TO tatami_identity;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "invitations");
        }
    }
}
