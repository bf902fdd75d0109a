using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TatamiTech.Data;
using TatamiTech.Data.Identity;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Observability;

namespace TatamiTech.Identity.SignIn;

/// <summary>Who signed in, as the token will say: the person's account and their role in the host's academy.</summary>
public sealed record SignedInMember(Guid AccountId, string Role);

/// <summary>
/// A person's email and password checked for the academy the host names: the account must exist, not be locked, have
/// that password and a membership in this academy (read behind the wall, so another academy's membership is not seen).
/// Every refusal looks the same to the caller. Failed passwords count towards a lockout of
/// <see cref="Account.LockoutDuration"/> after <see cref="Account.MaxFailedSignIns"/> in a row.
/// </summary>
internal sealed class PasswordSignIn(
    TatamiDbContext db, ITenantContext tenants, IHttpContextAccessor http, TimeProvider clock, ILogger<PasswordSignIn> logger)
{
    private static readonly PasswordHasher<Account> s_hasher = new();

    /// <summary>Hashed when no account matches, so that an unknown email takes as long to refuse as a wrong password.</summary>
    private static readonly string s_noAccountHash = s_hasher.HashPassword(null!, Guid.NewGuid().ToString());

    public async Task<SignedInMember?> SignInAsync(string? email, string? password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || email.Length > 254 || password.Length > 1024
            || !Lockout.IsStorable(email) || tenants.Current is null)
        {
            return null;
        }

        var normalized = Account.Normalize(email);
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.Email == normalized, ct);
        var now = clock.GetUtcNow();
        if (account is null)
        {
            s_hasher.VerifyHashedPassword(null!, s_noAccountHash, password);
            IdentityLog.SignInRefused(logger, "unknown account");
            return null;
        }

        if (account.LockedUntil > now)
        {
            // As long as a wrong password takes: how fast the answer comes says nothing about the account.
            s_hasher.VerifyHashedPassword(account, account.PasswordHash, password);
            IdentityLog.SignInRefused(logger, "account locked");
            IdentityTelemetry.CountRefusal(TenantRejectionReason.AccountLockedOut, http);
            return null;
        }

        if (s_hasher.VerifyHashedPassword(account, account.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            await Lockout.CountFailureAsync(db, account.Id, now, ct);
            if (account.FailedSignIns + 1 >= Account.MaxFailedSignIns)
            {
                IdentityLog.AccountLockedOut(logger, account.Id, Account.LockoutDuration);
            }

            IdentityLog.SignInRefused(logger, "wrong password");
            return null;
        }

        if (account.FailedSignIns > 0 || account.LockedUntil is not null)
        {
            account.FailedSignIns = 0;
            account.LockedUntil = null;
            await db.SaveChangesAsync(ct);
        }

        var membership = await db.Memberships.AsNoTracking().FirstOrDefaultAsync(m => m.AccountId == account.Id, ct);
        if (membership is null)
        {
            // The right password of a person who is not this academy's: a cross-academy attempt, counted like the others.
            IdentityLog.NotAMember(logger, account.Id);
            IdentityTelemetry.CountRefusal(TenantRejectionReason.NotAMember, http);
            return null;
        }

        IdentityLog.MemberSignedIn(logger, account.Id, membership.Role);
        return new SignedInMember(account.Id, membership.Role);
    }
}
