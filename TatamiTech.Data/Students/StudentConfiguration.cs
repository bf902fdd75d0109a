using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TatamiTech.Data.Tenants;

namespace TatamiTech.Data.Students;

internal sealed class StudentConfiguration : IEntityTypeConfiguration<Student>
{
    public void Configure(EntityTypeBuilder<Student> builder)
    {
        // The academy leads every key: children reference (tenant_id, id), and lookups by id stay inside
        // the academy's part of the index.
        builder.HasKey(s => new { s.TenantId, s.Id });
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.CreatedAt).HasDefaultValueSql("now()");

        // Unique per academy: the same email may exist in two academies.
        builder.HasIndex(s => new { s.TenantId, s.Email }).IsUnique();

        // No cascade: deleting an academy must never silently delete rows.
        builder.HasOne<Tenant>()
            .WithMany()
            .HasForeignKey(s => s.TenantId)
            .OnDelete(DeleteBehavior.Restrict);
    }
}
