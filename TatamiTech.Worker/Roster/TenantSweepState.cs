namespace TatamiTech.Worker.Roster;

/// <summary>What the last sweep did; read by the health check.</summary>
public sealed class TenantSweepState
{
    private long _completedSweeps;

    public long CompletedSweeps => Interlocked.Read(ref _completedSweeps);

    public DateTimeOffset? LastCompletedAt { get; private set; }

    public string? LastError { get; private set; }

    public void Completed(DateTimeOffset at)
    {
        LastCompletedAt = at;
        LastError = null;
        Interlocked.Increment(ref _completedSweeps);
    }

    public void Failed(string error) => LastError = error;
}
