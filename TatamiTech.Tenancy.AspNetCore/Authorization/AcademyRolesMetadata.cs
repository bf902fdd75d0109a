using TatamiTech.Names;
namespace TatamiTech.Tenancy.AspNetCore.Authorization;

/// <summary>The academy roles an endpoint serves (<see cref="AcademyRoles"/>), read by its policy and by the tests.</summary>
public sealed record AcademyRolesMetadata(IReadOnlyList<string> Roles);
