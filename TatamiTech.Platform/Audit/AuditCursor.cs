using System.Buffers.Binary;
using System.Buffers.Text;

namespace TatamiTech.Platform.Audit;

/// <summary>
/// Where a page of the audit ended: the last entry's time and id, the key the audit is ordered by. Opaque to
/// callers (base64url), and stable: entries added later never move an entry past it, so a walk from the newest
/// page to the oldest sees every entry that existed when it started, once.
/// </summary>
public readonly record struct AuditCursor(DateTimeOffset OccurredAt, long Id)
{
    private const int Length = 2 * sizeof(long);

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        // Microseconds since the epoch: the database's own precision, so the key round-trips exactly.
        var microseconds = (OccurredAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        BinaryPrimitives.WriteInt64BigEndian(bytes, microseconds);
        BinaryPrimitives.WriteInt64BigEndian(bytes[sizeof(long)..], Id);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string? text, out AuditCursor cursor)
    {
        cursor = default;
        Span<byte> bytes = stackalloc byte[Length];
        // IsValid first: decoding throws on some malformed text rather than answering false.
        if (text is null || !Base64Url.IsValid(text, out var length) || length != Length
            || !Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != Length)
        {
            return false;
        }

        var microseconds = BinaryPrimitives.ReadInt64BigEndian(bytes);
        var id = BinaryPrimitives.ReadInt64BigEndian(bytes[sizeof(long)..]);
        var ticks = DateTimeOffset.UnixEpoch.UtcTicks + (decimal)microseconds * TimeSpan.TicksPerMicrosecond;
        if (id < 1 || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        cursor = new AuditCursor(new DateTimeOffset((long)ticks, TimeSpan.Zero), id);
        return true;
    }
}
