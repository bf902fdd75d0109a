namespace TatamiTech.Tenancy;

/// <summary>
/// Marks an endpoint that serves no academy (health probes, API documents): tenant resolution skips it. A plain
/// marker, so that service defaults can set it and the HTTP pipeline read it without depending on each other.
/// </summary>
public sealed class TenantAgnosticMetadata
{
    public static readonly TenantAgnosticMetadata Instance = new();

    private TenantAgnosticMetadata()
    {
    }
}
