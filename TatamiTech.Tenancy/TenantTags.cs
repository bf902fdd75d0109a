namespace TatamiTech.Tenancy;

/// <summary>
/// The attribute names that carry the academy on log records, spans and metrics, so the dashboard can
/// filter by academy whatever wrote the record.
/// </summary>
public static class TenantTags
{
    public const string Slug = "tenant.slug";
    public const string Id = "tenant.id";
}
