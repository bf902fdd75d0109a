namespace TatamiTech.Names;

/// <summary>
/// The Postgres notification channel on which every change to an academy's directory row (created, suspended,
/// resumed, erased) is announced by a trigger on <c>tenants</c>, when the transaction that makes it commits; the
/// payload is the academy's slug.
/// </summary>
public static class DirectoryChannel
{
    public const string Name = "tatami_academies";

    /// <summary>
    /// The start of each listener's heartbeat channel, which only that listener sends to and listens on (the rest is
    /// random): what it sends there comes back only while its connection still delivers.
    /// </summary>
    public const string HeartbeatChannelPrefix = "tatami_academies_heartbeat_";

    /// <summary>The listener's configuration section (<c>HeartbeatInterval</c>, <c>DeadAfter</c>).</summary>
    public const string ListenerSection = "Database:DirectoryListener";
}
