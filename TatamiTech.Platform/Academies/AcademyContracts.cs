using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using TatamiTech.Tenancy;

namespace TatamiTech.Platform.Academies;

/// <param name="Slug">The academy's subdomain: lowercase letters, digits and inner hyphens.</param>
/// <param name="Name">The academy's display name.</param>
/// <param name="TimeZone">An IANA time zone such as <c>Europe/Paris</c>; its day is the roster report's day.</param>
public sealed record CreateAcademyRequest(
    [property: Required, StringLength(TenantSlug.MaxLength, MinimumLength = AcademyRules.MinSlugLength)] string? Slug,
    [property: Required, StringLength(AcademyRules.MaxNameLength)] string? Name,
    [property: Required] string? TimeZone);

/// <param name="Reason">Why, for the audit.</param>
public sealed record SuspendAcademyRequest([property: Required, StringLength(AcademiesApi.MaxReasonLength)] string? Reason);

public record AcademyResponse(
    Guid Id,
    string Slug,
    string Name,
    string TimeZone,
    string Status,
    DateTimeOffset CreatedAt,
    string? SuspendedReason,
    DateTimeOffset? SuspendedAt);

/// <summary>A new academy, with its owner's invitation: the academy has no member until someone accepts it.</summary>
public sealed record ProvisionedAcademyResponse(
    [property: JsonIgnore] AcademyResponse Academy, Invitations.InvitationResponse OwnerInvitation)
    : AcademyResponse(Academy);

public sealed record AcademyPage(IReadOnlyList<AcademyResponse> Items, int Page, int PageSize, long TotalCount);
