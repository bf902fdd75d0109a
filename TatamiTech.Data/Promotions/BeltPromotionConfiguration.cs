using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TatamiTech.Data.Students;

namespace TatamiTech.Data.Promotions;

internal sealed class BeltPromotionConfiguration : IEntityTypeConfiguration<BeltPromotion>
{
    public void Configure(EntityTypeBuilder<BeltPromotion> builder)
    {
        builder.HasKey(p => new { p.TenantId, p.Id });
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
        builder.HasIndex(p => new { p.TenantId, p.StudentId, p.PromotedOn });

        // The parent is named by (tenant_id, student_id): even raw SQL cannot hang one academy's
        // promotion on another academy's student. The cascade stays inside the academy for the same reason.
        builder.HasOne<Student>()
            .WithMany()
            .HasForeignKey(p => new { p.TenantId, p.StudentId })
            .OnDelete(DeleteBehavior.Cascade);
    }
}
