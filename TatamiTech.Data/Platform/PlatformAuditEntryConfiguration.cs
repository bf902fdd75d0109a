using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TatamiTech.Data.Platform;

internal sealed class PlatformAuditEntryConfiguration : IEntityTypeConfiguration<PlatformAuditEntry>
{
    public void Configure(EntityTypeBuilder<PlatformAuditEntry> builder)
    {
        builder.ToTable("platform_audit");
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.Property(a => a.OccurredAt).HasDefaultValueSql("now()");
        // The audit reads newest first, by academy or all, a page after a (time, id) cursor: keyset pages.
        builder.HasIndex(a => new { a.AcademyId, a.OccurredAt, a.Id });
        builder.HasIndex(a => new { a.OccurredAt, a.Id });
    }
}
