namespace TatamiTech.Data.Wall;

/// <summary>A DbContext whose commands carry its tenant to the database's row-level security.</summary>
public interface IWalledContext
{
    /// <summary>The tenant in scope; null (no tenant) reaches the database as NULL, which sees no row.</summary>
    Guid? TenantId { get; }
}
