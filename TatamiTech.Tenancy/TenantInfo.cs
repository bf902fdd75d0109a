namespace TatamiTech.Tenancy;

/// <summary>An academy as the pipeline knows it once resolved.</summary>
public sealed record TenantInfo(Guid Id, string Slug, string Name);
