using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TatamiTech.Data.Tenants;
using TatamiTech.Names;

namespace TatamiTech.Data.Identity;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.ToTable(Account.TableName);
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Email).HasMaxLength(254);
        builder.Property(a => a.CreatedAt).HasDefaultValueSql("now()");
        // Written by whoever creates the account (an operator's SQL, an invitation) without naming it.
        builder.Property(a => a.FailedSignIns).HasDefaultValue(0);
        builder.HasIndex(a => a.Email).IsUnique();
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> builder)
    {
        builder.ToTable(Membership.TableName, t => t.HasCheckConstraint("ck_memberships_role", AcademyRoles.CheckConstraint("role")));
        builder.HasKey(m => new { m.TenantId, m.Id });
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Role).HasMaxLength(AcademyClientLimits.RoleLength);
        builder.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        // One membership per person and academy.
        builder.HasIndex(m => new { m.TenantId, m.AccountId }).IsUnique();

        builder.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SignInGrantConfiguration : IEntityTypeConfiguration<SignInGrant>
{
    public void Configure(EntityTypeBuilder<SignInGrant> builder)
    {
        builder.HasKey(g => new { g.TenantId, g.Id });
        builder.Property(g => g.Id).ValueGeneratedNever();
        builder.Property(g => g.CreatedAt).HasDefaultValueSql("now()");
        builder.HasOne<Tenant>().WithMany().HasForeignKey(g => g.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Account>().WithMany().HasForeignKey(g => g.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> builder)
    {
        builder.ToTable(t => t.HasCheckConstraint("ck_invitations_role", AcademyRoles.CheckConstraint("role")));
        builder.HasKey(i => new { i.TenantId, i.Id });
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Role).HasMaxLength(AcademyClientLimits.RoleLength);
        builder.Property(i => i.CreatedAt).HasDefaultValueSql("now()");
        // Closing an invitation updates it only while it is open: of two acceptances racing, one updates no row.
        builder.Property(i => i.AcceptedAt).IsConcurrencyToken();
        builder.HasIndex(i => new { i.TenantId, i.TokenHash }).IsUnique();
        builder.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RedeemedCodeConfiguration : IEntityTypeConfiguration<RedeemedCode>
{
    public void Configure(EntityTypeBuilder<RedeemedCode> builder)
    {
        builder.HasKey(c => new { c.TenantId, c.Id });
        builder.Property(c => c.RedeemedAt).HasDefaultValueSql("now()");
        builder.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
