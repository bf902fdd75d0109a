using Microsoft.Extensions.Logging;

namespace TatamiTech.Tenancy.AspNetCore.Observability;

/// <summary>Anomalies are warnings that name both sides, so cross-tenant probing stands out.</summary>
internal static partial class TenancyLog
{
    private const int MaxLoggedValueLength = 64;

    /// <summary>Values the caller controls are cut short before they reach the logs.</summary>
    public static string Truncate(string value) =>
        value.Length <= MaxLoggedValueLength ? value : value[..MaxLoggedValueLength] + "…";

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Host {Host} names no tenant; request refused")]
    public static partial void NoTenantInHost(ILogger logger, string host);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning,
        Message = "Address {ClientAddress} asked for {Refused} unknown academies since the last warning, " +
            "the last {RequestedSlug}; refused")]
    public static partial void UnknownTenants(ILogger logger, string clientAddress, long refused, string requestedSlug);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "X-Tenant header {HeaderTenant} conflicts with host tenant {HostTenant}; request refused")]
    public static partial void HeaderConflict(ILogger logger, string headerTenant, string hostTenant);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning,
        Message = "Token of subject {Subject} for tenant {TokenTenantId} used on tenant {HostTenant} ({HostTenantId}); request refused")]
    public static partial void TokenTenantMismatch(
        ILogger logger,
        string? subject,
        string tokenTenantId,
        string hostTenant,
        Guid hostTenantId);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning,
        Message = "Token of subject {Subject} carries no tenant_id; used on tenant {HostTenant}; request refused")]
    public static partial void TokenWithoutTenant(ILogger logger, string? subject, string hostTenant);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Debug,
        Message = "Tenant {RequestedSlug} taken from the X-Tenant header (host {Host} names none)")]
    public static partial void TenantFromHeader(ILogger logger, string requestedSlug, string host);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning,
        Message = "Academy {TenantSlug} is over its rate limit; {Refused} requests refused since the last warning")]
    public static partial void AcademyRateLimited(ILogger logger, string tenantSlug, long refused);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning,
        Message = "Address {ClientAddress} is over its rate limit on academy {TenantSlug}; " +
            "{Refused} requests refused since the last warning")]
    public static partial void AddressRateLimited(ILogger logger, string clientAddress, string tenantSlug, long refused);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning,
        Message = "Academy {TenantSlug} receives more requests from outside its members than their limit; " +
            "{Refused} refused since the last warning")]
    public static partial void StrangersRateLimited(ILogger logger, string tenantSlug, long refused);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning,
        Message = "The academy directory is not loaded yet; request refused")]
    public static partial void DirectoryNotLoaded(ILogger logger);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Academy {TenantSlug} is suspended; request refused")]
    public static partial void AcademySuspended(ILogger logger, string tenantSlug);
}
