namespace TatamiTech.Tenancy.AspNetCore.Observability;

/// <summary>Why the pipeline refused a request; the tag value of the rejections metric.</summary>
public enum TenantRejectionReason
{
    /// <summary>The host names no tenant (bare root, nested subdomain, IP, outside the root domains).</summary>
    NoTenantInHost,

    /// <summary>The host names a well-formed slug that is not a known tenant.</summary>
    UnknownTenant,

    /// <summary>An X-Tenant header disagrees with the tenant the host names.</summary>
    HeaderConflict,

    /// <summary>A valid token carries another tenant's id.</summary>
    TokenTenantMismatch,

    /// <summary>A valid token carries no tenant id at all.</summary>
    TokenWithoutTenant,

    /// <summary>The host names an academy the platform suspended.</summary>
    AcademySuspended,

    /// <summary>The academy sent more requests than its rate limit.</summary>
    AcademyRateLimited,

    /// <summary>A client address sent more requests without an academy's credentials than its limit.</summary>
    AddressRateLimited,

    /// <summary>An academy's host received more requests from outside its members than their budget.</summary>
    StrangersRateLimited,

    /// <summary>The directory of academies has not been loaded yet (the service is starting).</summary>
    DirectoryNotLoaded,

    /// <summary>
    /// Credentials the academy's host does not know: a client of another academy, an unknown client or a wrong secret
    /// (the identity service cannot tell them apart, as it sees no other academy's clients).
    /// </summary>
    ClientNotOfAcademy,

    /// <summary>A person's right password on an academy they are not a member of.</summary>
    NotAMember,

    /// <summary>A sign-in to an account locked after repeated failures.</summary>
    AccountLockedOut,

    /// <summary>A refresh token presented after it was replaced (stolen or replayed); its grant is revoked.</summary>
    RefreshTokenReplayed,
}

internal static class TenantRejectionReasonExtensions
{
    public static string ToTag(this TenantRejectionReason reason) => reason switch
    {
        TenantRejectionReason.NoTenantInHost => "no_tenant_in_host",
        TenantRejectionReason.UnknownTenant => "unknown_tenant",
        TenantRejectionReason.HeaderConflict => "header_conflict",
        TenantRejectionReason.TokenTenantMismatch => "token_tenant_mismatch",
        TenantRejectionReason.TokenWithoutTenant => "token_without_tenant",
        TenantRejectionReason.AcademySuspended => "academy_suspended",
        TenantRejectionReason.AcademyRateLimited => "academy_rate_limited",
        TenantRejectionReason.AddressRateLimited => "address_rate_limited",
        TenantRejectionReason.StrangersRateLimited => "strangers_rate_limited",
        TenantRejectionReason.DirectoryNotLoaded => "directory_not_loaded",
        TenantRejectionReason.ClientNotOfAcademy => "client_not_of_academy",
        TenantRejectionReason.NotAMember => "not_a_member",
        TenantRejectionReason.AccountLockedOut => "account_locked_out",
        TenantRejectionReason.RefreshTokenReplayed => "refresh_token_replayed",
        _ => "other",
    };
}
