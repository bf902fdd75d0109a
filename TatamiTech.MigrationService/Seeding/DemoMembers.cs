using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Npgsql;
using TatamiTech.Data.Identity;
using TatamiTech.Data.Wall;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.MigrationService.Seeding;

/// <summary>
/// One demo member per role in each demo academy (<c>owner@goldentiger.example</c>, ...), all with the password of the
/// AppHost's generated <see cref="ResourceNames.DemoMemberPassword"/> parameter, shown in the dashboard. Each start makes
/// the accounts match that password again, so a changed parameter takes effect at the next start.
/// </summary>
internal static partial class DemoMembers
{
    public const string PasswordKey = ConfigurationKeys.DemoMemberPassword;

    private static readonly PasswordHasher<Account> s_hasher = new();

    public static string EmailOf(string role, TenantInfo academy) => $"{role}@{academy.Slug}.example";

    public static async Task SeedAsync(NpgsqlConnection owner, string? password, ILogger logger, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(password))
        {
            LogNoPassword(logger, PasswordKey);
            return;
        }

        foreach (var academy in DemoAcademies.All.Select(a => a.Tenant))
        {
            foreach (var role in AcademyRoles.All)
            {
                await SeedMemberAsync(owner, academy, role, password, ct);
            }
        }
    }

    private static async Task SeedMemberAsync(NpgsqlConnection owner, TenantInfo academy, string role, string password, CancellationToken ct)
    {
        var email = EmailOf(role, academy);
        await using var transaction = await owner.BeginTransactionAsync(ct);
        await using (var enter = TenantSetting.For(owner, transaction, academy.Id))
        {
            await enter.ExecuteNonQueryAsync(ct);
        }

        string? hash;
        await using (var read = new NpgsqlCommand("SELECT password_hash FROM accounts WHERE email = $1", owner, transaction))
        {
            read.Parameters.Add(new() { Value = email });
            hash = (string?)await read.ExecuteScalarAsync(ct);
        }

        // Hashing is slow on purpose: only an account that is missing or whose password changed gets a new hash.
        if (hash is null || s_hasher.VerifyHashedPassword(null!, hash, password) == PasswordVerificationResult.Failed)
        {
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO accounts (id, email, password_hash) VALUES (gen_random_uuid(), $1, $2)
                ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, failed_sign_ins = 0, locked_until = NULL
                """, owner, transaction);
            upsert.Parameters.Add(new() { Value = email });
            upsert.Parameters.Add(new() { Value = s_hasher.HashPassword(null!, password) });
            await upsert.ExecuteNonQueryAsync(ct);
        }

        await using (var member = new NpgsqlCommand("""
            INSERT INTO memberships (tenant_id, id, account_id, role)
            SELECT $1, gen_random_uuid(), id, $2 FROM accounts WHERE email = $3
            ON CONFLICT (tenant_id, account_id) DO NOTHING
            """, owner, transaction))
        {
            member.Parameters.Add(new() { Value = academy.Id });
            member.Parameters.Add(new() { Value = role });
            member.Parameters.Add(new() { Value = email });
            await member.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No demo members: {Key} is not set (the AppHost sets it)")]
    private static partial void LogNoPassword(ILogger logger, string key);
}
