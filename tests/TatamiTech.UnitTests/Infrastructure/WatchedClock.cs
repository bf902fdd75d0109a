using Microsoft.Extensions.Time.Testing;

namespace TatamiTech.UnitTests.Infrastructure;

/// <summary>
/// A fake clock that tells the test when a timer is set on it: a background loop that sets one has gone back
/// to waiting, so the test moves the clock only then, and a move is never lost to a loop still busy.
/// </summary>
internal sealed class WatchedClock : FakeTimeProvider
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _timers = new(0);

    public WatchedClock()
    {
    }

    public WatchedClock(DateTimeOffset start)
        : base(start)
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Release();
        return timer;
    }

    public async Task NextWaitAsync() => Assert.True(await _timers.WaitAsync(s_patience), "The loop did not wait again.");
}
