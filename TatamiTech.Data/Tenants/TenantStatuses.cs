namespace TatamiTech.Data.Tenants;

/// <summary>An academy's lifecycle states, as stored in <c>tenants.status</c>.</summary>
public static class TenantStatuses
{
    /// <summary>Served.</summary>
    public const string Active = "active";

    /// <summary>Refused on every request (403), skipped by the batch jobs; its data kept until erased.</summary>
    public const string Suspended = "suspended";
}
