using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TatamiTech.Data.Tenants;
using TatamiTech.Names;

namespace TatamiTech.Data.Identity;

internal sealed class AcademyClientConfiguration : IEntityTypeConfiguration<AcademyClient>
{
    public void Configure(EntityTypeBuilder<AcademyClient> builder)
    {
        builder.HasKey(c => new { c.TenantId, c.Id });
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.ClientId).HasMaxLength(AcademyClientLimits.ClientIdLength);
        builder.Property(c => c.DisplayName).HasMaxLength(AcademyClientLimits.DisplayNameLength);
        builder.Property(c => c.Role).HasMaxLength(AcademyClientLimits.RoleLength);
        builder.Property(c => c.CreatedAt).HasDefaultValueSql("now()");

        // A client id names one client of its academy; another academy may use the same id for its own.
        builder.HasIndex(c => new { c.TenantId, c.ClientId }).IsUnique();
        builder.ToTable(t => t.HasCheckConstraint("ck_academy_clients_role", AcademyRoles.CheckConstraint("role")));

        builder.HasOne<Tenant>()
            .WithMany()
            .HasForeignKey(c => c.TenantId)
            .OnDelete(DeleteBehavior.Restrict);
    }
}
