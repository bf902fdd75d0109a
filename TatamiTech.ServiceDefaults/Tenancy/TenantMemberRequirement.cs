using Microsoft.AspNetCore.Authorization;

namespace TatamiTech.ServiceDefaults.Tenancy;

/// <summary>The caller's token must belong to the tenant the request is for (pipeline step 3).</summary>
public sealed class TenantMemberRequirement : IAuthorizationRequirement
{
    public static readonly TenantMemberRequirement Instance = new();

    private TenantMemberRequirement()
    {
    }
}
