namespace TatamiTech.Tenancy;

/// <summary>An academy as the pipeline knows it once resolved.</summary>
/// <param name="Suspended">Suspended by the platform: refused on every request, skipped by batch jobs.</param>
public sealed record TenantInfo(Guid Id, string Slug, string Name, bool Suspended = false);
