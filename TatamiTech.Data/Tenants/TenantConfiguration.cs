using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TatamiTech.Data.Tenants;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.HasIndex(t => t.Slug).IsUnique();
        builder.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(t => t.TimeZone).HasDefaultValue("UTC");
        builder.Property(t => t.Status).HasDefaultValue(TenantStatuses.Active);
        builder.ToTable(t => t.HasCheckConstraint(
            "ck_tenants_status", $"status IN ('{TenantStatuses.Active}', '{TenantStatuses.Suspended}')"));
    }
}
