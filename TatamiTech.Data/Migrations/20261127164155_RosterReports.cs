using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <inheritdoc />
    public partial class RosterReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "time_zone",
                table: "tenants",
                type: "text",
                nullable: false,
                defaultValue: "UTC");

            migrationBuilder.CreateTable(
                name: "roster_reports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    period_date = table.Column<DateOnly>(type: "date", nullable: false),
                    time_zone = table.Column<string>(type: "text", nullable: false),
                    as_of = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    total_students = table.Column<int>(type: "integer", nullable: false),
                    new_students_last30days = table.Column<int>(type: "integer", nullable: false),
                    students_by_rank = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roster_reports", x => x.id);
                    table.ForeignKey(
                        name: "fk_roster_reports_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_roster_reports_tenant_id_period_date",
                table: "roster_reports",
                columns: new[] { "tenant_id", "period_date" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "roster_reports");

            migrationBuilder.DropColumn(
                name: "time_zone",
                table: "tenants");
        }
    }
}
