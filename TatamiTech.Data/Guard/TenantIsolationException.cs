namespace TatamiTech.Data.Guard;

/// <summary>An attempt to write a row of a tenant other than the one in scope.</summary>
public sealed class TenantIsolationException(string entity, string tenantInScope)
    : InvalidOperationException($"Refused to write a {entity} that does not belong to tenant '{tenantInScope}'.");
