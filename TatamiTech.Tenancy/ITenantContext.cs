namespace TatamiTech.Tenancy;

/// <summary>
/// The tenant of the current unit of work (an HTTP request or one tenant of a batch job).
/// The only place code reads the tenant from; nothing takes a tenant id from a caller.
/// </summary>
public interface ITenantContext
{
    /// <summary>The tenant in scope, or <c>null</c> when none was entered.</summary>
    TenantInfo? Current { get; }

    /// <summary>The tenant in scope; throws <see cref="TenantNotResolvedException"/> when none was entered.</summary>
    TenantInfo Required { get; }

    /// <summary>
    /// Enters <paramref name="tenant"/> for the rest of this scope: logs, spans and data access
    /// are then bound to it. Dispose the result when the unit of work ends.
    /// </summary>
    IDisposable Enter(TenantInfo tenant);
}
