using System.ComponentModel.DataAnnotations;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.OpenApi;

namespace TatamiTech.Api.DevTokens;

/// <param name="Subject">The user the token is for; defaults to <c>dev-user</c>.</param>
/// <param name="LifetimeMinutes">Defaults to 60, at most 1440.</param>
/// <param name="Role">The member's role in the academy; defaults to <c>owner</c>.</param>
public sealed record DevTokenRequest(
    [property: StringLength(DevTokensApi.MaxSubjectLength)] string? Subject,
    [property: Range(1, DevTokensApi.MaxLifetimeMinutes)] int? LifetimeMinutes,
    [property: AllowedValuesFrom(typeof(AcademyRoles), nameof(AcademyRoles.All))] string? Role = null);
