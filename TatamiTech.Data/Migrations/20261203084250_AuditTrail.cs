using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <summary>
    /// The audit as a trail an operator can follow: the rows an export or an erasure touched, keyset indexes for
    /// reading it newest first a page at a time (all of it, or one academy's by id), and inserts that can name
    /// neither the id nor the time, so the platform role can add to the trail but not place a row in its past.
    /// </summary>
    public partial class AuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_platform_audit_academy_id_occurred_at",
                table: "platform_audit");

            migrationBuilder.AddColumn<long>(
                name: "row_count",
                table: "platform_audit",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_platform_audit_academy_id_occurred_at_id",
                table: "platform_audit",
                columns: new[] { "academy_id", "occurred_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_platform_audit_occurred_at_id",
                table: "platform_audit",
                columns: new[] { "occurred_at", "id" });

            migrationBuilder.Sql("""
                REVOKE INSERT ON platform_audit FROM tatami_platform;
                GRANT INSERT (operator, action, academy_id, academy_slug, reason, row_count) ON platform_audit TO tatami_platform;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                REVOKE INSERT (operator, action, academy_id, academy_slug, reason, row_count) ON platform_audit FROM tatami_platform;
                GRANT INSERT ON platform_audit TO tatami_platform;
                """);

            migrationBuilder.DropIndex(
                name: "ix_platform_audit_academy_id_occurred_at_id",
                table: "platform_audit");

            migrationBuilder.DropIndex(
                name: "ix_platform_audit_occurred_at_id",
                table: "platform_audit");

            migrationBuilder.DropColumn(
                name: "row_count",
                table: "platform_audit");

            migrationBuilder.CreateIndex(
                name: "ix_platform_audit_academy_id_occurred_at",
                table: "platform_audit",
                columns: new[] { "academy_id", "occurred_at" });
        }
    }
}
