using System.Collections;

namespace TatamiTech.Tenancy;

/// <summary>
/// Logger scope state: every record written inside it carries <c>tenant.slug</c> and <c>tenant.id</c>
/// as attributes (OpenTelemetry exports scope key/value pairs).
/// </summary>
public sealed class TenantLogScope(TenantInfo tenant) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new(TenantTags.Slug, tenant.Slug),
        1 => new(TenantTags.Id, tenant.Id),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"tenant.slug:{tenant.Slug}";
}
