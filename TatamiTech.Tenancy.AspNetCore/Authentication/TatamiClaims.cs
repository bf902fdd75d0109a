namespace TatamiTech.Tenancy.AspNetCore.Authentication;

/// <summary>Claim names as they appear in TatamiTech tokens (inbound claim mapping is off).</summary>
public static class TatamiClaims
{
    public const string Subject = "sub";
    public const string TenantId = "tenant_id";

    /// <summary>The platform's operators carry <c>role: platform-operator</c>.</summary>
    public const string Role = "role";

    public const string PlatformOperatorRole = "platform-operator";
}
