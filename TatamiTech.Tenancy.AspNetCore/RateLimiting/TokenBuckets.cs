using System.Collections.Concurrent;

namespace TatamiTech.Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// Token buckets by key, bounded in number. The framework's partitioned limiter drops idle partitions but
/// has no bound, and callers choose the keys here (addresses, hosts): a table that grows with them is a way
/// to exhaust memory. A bucket that has refilled to its burst holds nothing a new bucket would not, so it
/// is dropped on the next sweep (every few seconds, or at once when the table is full). While the table is
/// full of buckets still in use, keys it has no room for share one overflow bucket: under a flood from more
/// sources than <see cref="MaxKeys"/>, newcomers are limited together rather than not at all.
/// Refill is computed from the clock at each take; no timer runs.
/// </summary>
internal sealed class TokenBuckets<TKey>(TokenBucket settings, int maxKeys, TimeProvider time) where TKey : notnull
{
    private static readonly TimeSpan s_sweepInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<TKey, Bucket> _buckets = new();
    private readonly Bucket _overflow = new(settings.Burst, time.GetTimestamp());
    private long _lastSweep = time.GetTimestamp();
    private int _sweeping;

    public int MaxKeys { get; } = maxKeys;

    /// <summary>Buckets held now, the overflow bucket aside.</summary>
    public int Count => _buckets.Count;

    /// <summary>Takes a permit from the key's bucket.</summary>
    /// <param name="retryAfter">When refused: how long until the bucket holds a permit again.</param>
    public bool TryTake(TKey key, out TimeSpan retryAfter)
    {
        var now = time.GetTimestamp();
        if (time.GetElapsedTime(Interlocked.Read(ref _lastSweep), now) >= s_sweepInterval)
        {
            Sweep(now);
        }

        if (!_buckets.TryGetValue(key, out var bucket))
        {
            if (_buckets.Count >= MaxKeys)
            {
                Sweep(now);
            }

            bucket = _buckets.Count < MaxKeys ? _buckets.GetOrAdd(key, _ => new Bucket(settings.Burst, now)) : _overflow;
        }

        return bucket.TryTake(settings, now, time, out retryAfter);
    }

    private void Sweep(long now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            Interlocked.Exchange(ref _lastSweep, now);
            foreach (var (key, bucket) in _buckets)
            {
                if (bucket.IsFull(settings, now, time))
                {
                    _buckets.TryRemove(new KeyValuePair<TKey, Bucket>(key, bucket));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private sealed class Bucket(double tokens, long updatedAt)
    {
        private double _tokens = tokens;
        private long _updatedAt = updatedAt;

        public bool TryTake(TokenBucket settings, long now, TimeProvider time, out TimeSpan retryAfter)
        {
            lock (this)
            {
                Refill(settings, now, time);
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                retryAfter = TimeSpan.FromSeconds((1 - _tokens) / settings.PermitsPerSecond);
                return false;
            }
        }

        public bool IsFull(TokenBucket settings, long now, TimeProvider time)
        {
            lock (this)
            {
                Refill(settings, now, time);
                return _tokens >= settings.Burst;
            }
        }

        private void Refill(TokenBucket settings, long now, TimeProvider time)
        {
            if (now <= _updatedAt)
            {
                return;
            }

            var earned = time.GetElapsedTime(_updatedAt, now).TotalSeconds * settings.PermitsPerSecond;
            _tokens = Math.Min(settings.Burst, _tokens + earned);
            _updatedAt = now;
        }
    }
}
