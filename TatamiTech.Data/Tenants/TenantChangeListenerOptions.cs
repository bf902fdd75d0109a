using TatamiTech.Names;

namespace TatamiTech.Data.Tenants;

/// <summary>
/// How the change listener notices a connection that no longer delivers without having failed: a load balancer or
/// a NAT that forgets an idle connection sends nothing to either end, and a LISTEN session otherwise only reads.
/// </summary>
public sealed class TenantChangeListenerOptions
{
    public const string SectionName = DirectoryChannel.ListenerSection;

    /// <summary>How often the listener sends itself a notification over its listening connection.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the connection may go without delivering a notification before it is taken for dead, closed and
    /// replaced (and every cache cleared, as announcements may have been lost): more than one interval, so that one
    /// slow answer is not a drop.
    /// </summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(15);
}
