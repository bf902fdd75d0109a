using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <summary>
    /// No role but the owner creates objects in schema public. Postgres 14 and older grant CREATE on it
    /// to PUBLIC, so the runtime role could create a table (which it would then own, outside the wall) or
    /// a function that shadows one the queries call.
    /// </summary>
    public partial class SchemaHardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: Postgres 15 and later never granted it, and granting it back would only
            // widen the runtime role's rights.
        }
    }
}
