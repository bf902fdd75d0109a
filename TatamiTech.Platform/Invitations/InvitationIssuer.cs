using Npgsql;
using TatamiTech.Data.Identity;
using TatamiTech.Data.Wall;
using TatamiTech.Names;
using TatamiTech.Platform.Academies;
using TatamiTech.Platform.Audit;

namespace TatamiTech.Platform.Invitations;

/// <summary>
/// Writes an invitation into its academy, inside that academy's tenant scope and the caller's transaction (a new
/// academy's owner invitation is part of the academy's creation), with its audit record.
/// </summary>
public sealed class InvitationIssuer(AcademyStore academies, TimeProvider clock)
{
    /// <returns>The invitation, or null when there is no such academy.</returns>
    public Task<InvitationResponse?> IssueAsync(string slug, string role, string operatorSubject, CancellationToken ct) =>
        academies.InTransactionAsync(async (connection, transaction) =>
            await academies.FindAsync(connection, transaction, slug, ct) is { } academy
                ? await IssueAsync(connection, transaction, academy, role, operatorSubject, clock.GetUtcNow(), ct)
                : null, ct);

    public static async Task<InvitationResponse> IssueAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        AcademyResponse academy,
        string role,
        string operatorSubject,
        DateTimeOffset now,
        CancellationToken ct)
    {
        await using (var enter = TenantSetting.For(connection, transaction, academy.Id))
        {
            await enter.ExecuteNonQueryAsync(ct);
        }

        var token = ClientSecret.Generate();
        var expiresAt = now + Invitation.Lifetime;
        await using var insert = new NpgsqlCommand(
            "INSERT INTO invitations (tenant_id, id, token_hash, role, expires_at) VALUES ($1, $2, $3, $4, $5)", connection, transaction)
        {
            Parameters =
            {
                new() { Value = academy.Id },
                new() { Value = Guid.CreateVersion7() },
                new() { Value = ClientSecret.Hash(token) },
                new() { Value = role },
                new() { Value = expiresAt },
            },
        };
        await insert.ExecuteNonQueryAsync(ct);
        await AcademyStore.RecordAsync(
            connection, transaction, new AuditRecord(operatorSubject, AuditActions.Invite, academy, $"role {role}"), ct);
        return new InvitationResponse($"{ServicePaths.IdentityInvitations}/{token}", role, expiresAt);
    }
}
