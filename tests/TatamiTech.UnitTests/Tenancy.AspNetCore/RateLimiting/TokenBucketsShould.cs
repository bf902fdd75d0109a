using TatamiTech.Tenancy.AspNetCore.RateLimiting;

namespace TatamiTech.UnitTests.Tenancy.AspNetCore.RateLimiting;

public sealed class TokenBucketsShould
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void AllowTheBurstThenRefuseWithTheWaitForTheNextPermit()
    {
        var buckets = Buckets(perSecond: 2, burst: 3, maxKeys: 10);

        Assert.True(buckets.TryTake("a", out _));
        Assert.True(buckets.TryTake("a", out _));
        Assert.True(buckets.TryTake("a", out _));
        Assert.False(buckets.TryTake("a", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(0.5), retryAfter);
    }

    [Fact]
    public void RefillAtTheConfiguredRateUpToTheBurst()
    {
        var buckets = Buckets(perSecond: 2, burst: 3, maxKeys: 10);
        Drain(buckets, "a");

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(buckets.TryTake("a", out _));
        Assert.True(buckets.TryTake("a", out _));
        Assert.False(buckets.TryTake("a", out _));

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, Drain(buckets, "a"));
    }

    [Fact]
    public void KeepEachKeysBudgetApart()
    {
        var buckets = Buckets(perSecond: 1, burst: 2, maxKeys: 10);
        Drain(buckets, "a");

        Assert.True(buckets.TryTake("b", out _));
    }

    [Fact]
    public void HoldNoMoreKeysThanItsBoundAndShareOneBucketPastIt()
    {
        var buckets = Buckets(perSecond: 1, burst: 2, maxKeys: 3);
        foreach (var key in new[] { "a", "b", "c" })
        {
            Assert.True(buckets.TryTake(key, out _));
        }

        // The table is full of buckets in use: newcomers share the overflow bucket's two permits.
        Assert.True(buckets.TryTake("d", out _));
        Assert.True(buckets.TryTake("e", out _));
        Assert.False(buckets.TryTake("f", out _));
        Assert.Equal(3, buckets.Count);
    }

    [Fact]
    public void DropBucketsThatHaveRefilledSoNewKeysGetTheirOwn()
    {
        var buckets = Buckets(perSecond: 1, burst: 2, maxKeys: 3);
        foreach (var key in new[] { "a", "b", "c" })
        {
            Assert.True(buckets.TryTake(key, out _));
        }

        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True(buckets.TryTake("d", out _));
        Assert.True(buckets.TryTake("d", out _));
        Assert.False(buckets.TryTake("d", out _));
        Assert.Equal(1, buckets.Count);
    }

    [Fact]
    public void ForgetIdleKeysOnItsPeriodicSweep()
    {
        var buckets = Buckets(perSecond: 10, burst: 10, maxKeys: 1000);
        for (var i = 0; i < 100; i++)
        {
            buckets.TryTake($"k{i}", out _);
        }

        _clock.Advance(TimeSpan.FromMinutes(1));
        buckets.TryTake("now", out _);

        Assert.Equal(1, buckets.Count);
    }

    private TokenBuckets<string> Buckets(int perSecond, int burst, int maxKeys) =>
        new(new TokenBucket { PermitsPerSecond = perSecond, Burst = burst }, maxKeys, _clock);

    private static int Drain(TokenBuckets<string> buckets, string key)
    {
        var taken = 0;
        while (buckets.TryTake(key, out _))
        {
            taken++;
        }

        return taken;
    }
}
