namespace TatamiTech.Data.Identity;

/// <summary>
/// A person: one account, whatever the academies they belong to (<see cref="Membership"/>). Not an academy's row: the
/// identity service finds it by email before it knows whether the person belongs to the host's academy, so it is a
/// reference table, like the directory.
/// </summary>
public sealed class Account
{
    public const string TableName = "accounts";

    /// <summary>Failed sign-ins in a row before the account is locked for <see cref="LockoutDuration"/>.</summary>
    public const int MaxFailedSignIns = 5;

    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(5);

    public Guid Id { get; set; }

    /// <summary>Lower-case, trimmed: one spelling per person.</summary>
    public required string Email { get; set; }

    /// <summary>ASP.NET Core Identity's password hash (PBKDF2 with a salt, its format versioned).</summary>
    public required string PasswordHash { get; set; }

    public int FailedSignIns { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
