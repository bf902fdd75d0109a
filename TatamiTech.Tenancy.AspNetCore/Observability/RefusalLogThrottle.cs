using System.Collections.Concurrent;
using System.Diagnostics;

namespace TatamiTech.Tenancy.AspNetCore.Observability;

/// <summary>
/// One warning per key (an academy, an address) and interval, carrying how many requests were refused
/// since the last one: a flood is visible in the logs without the logging becoming part of its cost.
/// The metric still counts every refusal.
/// </summary>
internal sealed class RefusalLogThrottle<TKey>(TimeSpan interval) where TKey : notnull
{
    private const int MaxKeys = 10_000;

    private readonly ConcurrentDictionary<TKey, Window> _windows = new();

    /// <returns>The number of refusals to report now, or 0 when this one is only counted.</returns>
    public long Refused(TKey key)
    {
        var now = Stopwatch.GetTimestamp();
        if (_windows.Count >= MaxKeys && !_windows.ContainsKey(key))
        {
            // Many distinct keys at once (invented addresses): start over rather than grow.
            _windows.Clear();
        }

        var window = _windows.GetOrAdd(key, _ => new Window());
        lock (window)
        {
            window.Refused++;
            if (window.LoggedAt != 0 && Stopwatch.GetElapsedTime(window.LoggedAt, now) < interval)
            {
                return 0;
            }

            var count = window.Refused;
            window.Refused = 0;
            window.LoggedAt = now;
            return count;
        }
    }

    private sealed class Window
    {
        public long LoggedAt { get; set; }

        public long Refused { get; set; }
    }
}
