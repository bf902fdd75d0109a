using Microsoft.EntityFrameworkCore.Migrations;
using TatamiTech.Names;

#nullable disable

namespace TatamiTech.Data.Migrations
{
    /// <summary>
    /// Every change to the directory announces itself on <see cref="DirectoryChannel.Name"/>, whoever makes it: the
    /// platform, provisioning, or an operator's hand-written SQL. The services hold the directory in memory and
    /// learn of a change only this way (and on their periodic full read). A renamed academy announces both slugs.
    /// The notification is sent when the transaction commits, and not at all if it rolls back.
    /// </summary>
    public partial class DirectoryAnnouncements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                CREATE FUNCTION announce_tenant_change() RETURNS trigger
                LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        PERFORM pg_notify('{DirectoryChannel.Name}', OLD.slug);
                    END IF;
                    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.slug IS DISTINCT FROM OLD.slug) THEN
                        PERFORM pg_notify('{DirectoryChannel.Name}', NEW.slug);
                    END IF;
                    RETURN NULL;
                END
                $fn$;

                CREATE TRIGGER tenants_announce_change
                    AFTER INSERT OR UPDATE OR DELETE ON tenants
                    FOR EACH ROW EXECUTE FUNCTION announce_tenant_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER tenants_announce_change ON tenants;
                DROP FUNCTION announce_tenant_change();
                """);
        }
    }
}
