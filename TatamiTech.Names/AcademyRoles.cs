namespace TatamiTech.Names;

/// <summary>
/// What a person or an integration may be in an academy; a token carries one as its <c>role</c> claim, and each endpoint
/// declares the roles it serves.
/// </summary>
public static class AcademyRoles
{
    public const string Owner = "owner";
    public const string Coach = "coach";
    public const string FrontDesk = "front-desk";
    public const string Student = "student";

    public static readonly IReadOnlyList<string> All = [Owner, Coach, FrontDesk, Student];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);

    /// <summary>The staff: every role but <see cref="Student"/>.</summary>
    public static readonly IReadOnlyList<string> Staff = [Owner, Coach, FrontDesk];

    /// <summary>A database CHECK that <paramref name="column"/> holds one of the roles.</summary>
    public static string CheckConstraint(string column) => $"{column} IN ({string.Join(", ", All.Select(r => $"'{r}'"))})";
}
