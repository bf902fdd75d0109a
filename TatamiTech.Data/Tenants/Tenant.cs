namespace TatamiTech.Data.Tenants;

/// <summary>An academy. Not tenant-owned: it is the tenant.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }

    public required string Slug { get; set; }

    public required string Name { get; set; }

    /// <summary>IANA zone the academy lives in: its reports are for its own calendar days.</summary>
    public string TimeZone { get; set; } = "UTC";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary><see cref="TenantStatuses.Active"/> or <see cref="TenantStatuses.Suspended"/>.</summary>
    public string Status { get; set; } = TenantStatuses.Active;

    public string? SuspendedReason { get; set; }

    public DateTimeOffset? SuspendedAt { get; set; }
}
