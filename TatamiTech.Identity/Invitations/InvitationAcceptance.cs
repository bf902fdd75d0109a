using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TatamiTech.Data;
using TatamiTech.Data.Identity;
using TatamiTech.Tenancy;

namespace TatamiTech.Identity.Invitations;

/// <summary>Why an invitation was not accepted; every reason shows the same page, so tokens cannot be probed.</summary>
public enum AcceptanceOutcome
{
    Accepted,
    NotValid,
    WeakPassword,
    AlreadyMember,
}

/// <summary>
/// An invitation accepted on its academy's host: found behind the wall by its token's hash, open and not expired, it
/// makes the person (a new account, or an existing one whose password they give) a member in its role, once. The
/// invitation is closed in the same transaction, so two acceptances racing cannot both succeed.
/// </summary>
internal sealed class InvitationAcceptance(
    TatamiDbContext db, ITenantContext tenants, TimeProvider clock, ILogger<InvitationAcceptance> logger)
{
    public const int MinPasswordLength = 12;

    private static readonly PasswordHasher<Account> s_hasher = new();

    public async Task<Invitation?> FindOpenAsync(string token, CancellationToken ct)
    {
        if (token.Length > 100 || !SignIn.Lockout.IsStorable(token) || tenants.Current is null)
        {
            return null;
        }

        var hash = ClientSecret.Hash(token);
        var now = clock.GetUtcNow();
        return await db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash && i.AcceptedAt == null && i.ExpiresAt > now, ct);
    }

    public async Task<AcceptanceOutcome> AcceptAsync(string token, string? email, string? password, CancellationToken ct)
    {
        if (await FindOpenAsync(token, ct) is not { } invitation)
        {
            return AcceptanceOutcome.NotValid;
        }

        if (string.IsNullOrWhiteSpace(email) || email.Length > 254 || !email.Contains('@') || password is null || password.Length > 1024
            || !SignIn.Lockout.IsStorable(email) || !SignIn.Lockout.IsStorable(password))
        {
            return AcceptanceOutcome.NotValid;
        }

        // Asked of every password, before the account is looked up: the answer says nothing about which emails have one.
        if (password.Length < MinPasswordLength)
        {
            return AcceptanceOutcome.WeakPassword;
        }

        var now = clock.GetUtcNow();
        var normalized = Account.Normalize(email);
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.Email == normalized, ct);
        if (account is null)
        {
            account = db.Accounts.Add(new Account { Id = Guid.CreateVersion7(), Email = normalized, PasswordHash = "" }).Entity;
            account.PasswordHash = s_hasher.HashPassword(account, password);
        }
        else if (account.LockedUntil > now
            || s_hasher.VerifyHashedPassword(account, account.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            // An invitation is no way around the lockout: a wrong password counts as at sign-in, and looks like any refusal.
            if (account.LockedUntil is null || account.LockedUntil <= now)
            {
                await SignIn.Lockout.CountFailureAsync(db, account.Id, now, ct);
            }

            return AcceptanceOutcome.NotValid;
        }
        else if (await db.Memberships.AnyAsync(m => m.AccountId == account.Id, ct))
        {
            // Already a member (in some role): the invitation stays open rather than be spent without effect.
            return AcceptanceOutcome.AlreadyMember;
        }

        invitation.AcceptedAt = now;
        db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), AccountId = account.Id, Role = invitation.Role });

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another acceptance closed the invitation first (no row updated), or created the same account.
            return AcceptanceOutcome.NotValid;
        }

        IdentityLog.InvitationAccepted(logger, account.Id, invitation.Role);
        return AcceptanceOutcome.Accepted;
    }
}
