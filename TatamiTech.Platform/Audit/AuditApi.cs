using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace TatamiTech.Platform.Audit;

/// <summary>
/// <c>GET /audit?academyId=&amp;cursor=&amp;limit=</c>: the platform's actions, newest first, a page at a time to
/// the very first. By academy id, never by slug: an erased academy's slug may be taken again by another.
/// </summary>
public static class AuditApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static WebApplication MapAuditApi(this WebApplication app)
    {
        app.MapGet("/audit", List).WithTags("Audit").WithName("ListAudit")
            .WithSummary("The platform's actions, newest first, a page at a time (next: the cursor of the next page).");
        return app;
    }

    /// <param name="academyId">Only this academy's entries.</param>
    /// <param name="cursor">The <c>next</c> of the previous page.</param>
    /// <param name="limit">Entries per page.</param>
    public static async Task<Results<Ok<AuditPage>, ValidationProblem>> List(
        NpgsqlDataSource dataSource,
        CancellationToken ct,
        Guid? academyId = null,
        string? cursor = null,
        [Range(1, MaxLimit)] int? limit = null)
    {
        var errors = new Dictionary<string, string[]>();
        var after = default(AuditCursor);
        if (cursor is not null && !AuditCursor.TryDecode(cursor, out after))
        {
            errors["cursor"] = ["Not a cursor of this audit: pass the 'next' of a page as it came."];
        }

        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Must be between 1 and {MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // One row past the page tells whether another page follows.
        await using var command = dataSource.CreateCommand(
            "SELECT id, occurred_at, operator, action, academy_id, academy_slug, reason, row_count FROM platform_audit " +
            "WHERE ($1::uuid IS NULL OR academy_id = $1) AND ($2::timestamptz IS NULL OR (occurred_at, id) < ($2, $3)) " +
            "ORDER BY occurred_at DESC, id DESC LIMIT $4");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)academyId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = cursor is null ? DBNull.Value : after.OccurredAt, NpgsqlDbType = NpgsqlDbType.TimestampTz,
        });
        command.Parameters.Add(new NpgsqlParameter { Value = after.Id, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = size + 1, NpgsqlDbType = NpgsqlDbType.Integer });

        var entries = new List<AuditEntry>();
        var keys = new List<AuditCursor>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var occurredAt = reader.GetFieldValue<DateTimeOffset>(1);
            keys.Add(new AuditCursor(occurredAt, reader.GetInt64(0)));
            entries.Add(new AuditEntry(
                occurredAt,
                reader.GetString(2),
                reader.GetString(3),
                reader.GetGuid(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7)));
        }

        return entries.Count > size
            ? TypedResults.Ok(new AuditPage(entries[..size], keys[size - 1].Encode()))
            : TypedResults.Ok(new AuditPage(entries, Next: null));
    }
}

/// <param name="RowCount">The academy's rows exported (one NDJSON line each) or erased; null for other actions.</param>
public sealed record AuditEntry(
    DateTimeOffset OccurredAt, string Operator, string Action, Guid AcademyId, string AcademySlug, string? Reason, long? RowCount);

/// <param name="Next">The cursor of the next (older) page; null on the last page.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? Next);
