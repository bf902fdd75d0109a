namespace TatamiTech.Data.Tenants;

/// <summary>An academy. Not tenant-owned: it is the tenant.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }

    public required string Slug { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
