using System.ComponentModel.DataAnnotations;

namespace TatamiTech.Api.DevTokens;

/// <param name="Subject">The user the token is for; defaults to <c>dev-user</c>.</param>
/// <param name="LifetimeMinutes">Defaults to 60, at most 1440.</param>
public sealed record DevTokenRequest(
    [property: StringLength(DevTokensApi.MaxSubjectLength)] string? Subject,
    [property: Range(1, DevTokensApi.MaxLifetimeMinutes)] int? LifetimeMinutes);
