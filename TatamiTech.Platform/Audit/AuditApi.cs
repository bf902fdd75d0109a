using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace TatamiTech.Platform.Audit;

/// <summary><c>GET /audit?academy=</c>: the platform's actions, newest first (the last 200).</summary>
public static class AuditApi
{
    private const int Limit = 200;

    public static WebApplication MapAuditApi(this WebApplication app)
    {
        app.MapGet("/audit", List).WithTags("Audit").WithName("ListAudit").WithSummary("The platform's last 200 actions, newest first.");
        return app;
    }

    public static async Task<Ok<List<AuditEntry>>> List(NpgsqlDataSource dataSource, CancellationToken ct, string? academy = null)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT occurred_at, operator, action, academy_id, academy_slug, reason FROM platform_audit " +
            $"WHERE ($1::text IS NULL OR academy_slug = $1) ORDER BY id DESC LIMIT {Limit}");
        command.Parameters.Add(
            new NpgsqlParameter { Value = (object?)academy ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new AuditEntry(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetGuid(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return TypedResults.Ok(entries);
    }
}

public sealed record AuditEntry(
    DateTimeOffset OccurredAt, string Operator, string Action, Guid AcademyId, string AcademySlug, string? Reason);
