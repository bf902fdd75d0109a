namespace TatamiTech.Data;

/// <summary>
/// A row that belongs to one academy. Every such entity gets the tenant query filter and the
/// SaveChanges guard of <see cref="TatamiDbContext"/>; the schema conformance rules apply to its table.
/// </summary>
public interface ITenantOwned
{
    Guid TenantId { get; }
}
