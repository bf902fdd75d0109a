using Microsoft.EntityFrameworkCore;
using TatamiTech.Data;
using TatamiTech.Data.Identity;

namespace TatamiTech.Identity.SignIn;

/// <summary>
/// Counting failed passwords, in one statement per failure, so that failures sent in parallel all count: the
/// <see cref="Account.MaxFailedSignIns"/>-th in a row locks the account for <see cref="Account.LockoutDuration"/>.
/// Every place that checks an account's password (sign-in, joining by invitation) counts through here.
/// </summary>
internal static class Lockout
{
    /// <summary>Values the caller sends that Postgres cannot store (a NUL character) are refused before any query.</summary>
    public static bool IsStorable(string? value) => value is not null && !value.Contains('\0', StringComparison.Ordinal);

    public static Task<int> CountFailureAsync(TatamiDbContext db, Guid account, DateTimeOffset now, CancellationToken ct) =>
        db.Accounts.Where(a => a.Id == account).ExecuteUpdateAsync(
            a => a
                .SetProperty(
                    x => x.LockedUntil,
                    x => x.FailedSignIns + 1 >= Account.MaxFailedSignIns ? now + Account.LockoutDuration : x.LockedUntil)
                .SetProperty(x => x.FailedSignIns, x => x.FailedSignIns + 1 >= Account.MaxFailedSignIns ? 0 : x.FailedSignIns + 1),
            ct);
}
