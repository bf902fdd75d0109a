using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <inheritdoc />
    public partial class RosterCoveringIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_students_roster",
                table: "students",
                column: "tenant_id")
                .Annotation("Npgsql:CreatedConcurrently", true)
                .Annotation("Npgsql:IndexInclude", new[] { "belt_rank", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_students_roster",
                table: "students");
        }
    }
}
