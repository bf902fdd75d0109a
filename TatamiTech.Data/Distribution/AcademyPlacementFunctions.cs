namespace TatamiTech.Data.Distribution;

/// <summary>
/// On a distributed database (Citus), the functions through which the platform role places one academy: created by
/// the migration service, owned by the owner (the tables' owner is the one Citus lets split and move their shards),
/// and callable by the platform role alone.
/// </summary>
public static class AcademyPlacementFunctions
{
    /// <summary><c>(academy uuid) RETURNS bigint</c>: the academy's rows on a shard of their own; its id.</summary>
    public const string Isolate = "academy_isolate";

    /// <summary><c>(academy uuid, node integer)</c>: an isolated academy's shard moved to a node (pg_dist_node's id).</summary>
    public const string Move = "academy_move";

    /// <summary>
    /// <c>(open boolean)</c>: opens (true) or closes (false) the window in which the tables' owner is not bound by their
    /// row-level security. Citus copies the rows written during a split or move by logical replication, applied by a
    /// member of the tables' owner, and PostgreSQL refuses to apply rows to a table whose security binds its applier
    /// (forced row-level security binds the owner). Every other role stays bound throughout.
    /// </summary>
    public const string Window = "academy_placement_window";

    /// <summary>The advisory lock that lets one placement operation at a time open the window.</summary>
    public const long LockKey = 0x7461_7461_6d69_0001;

    /// <summary>The parent table of the colocation group: an academy's shard of it names the shards of all its tables.</summary>
    public const string AnchorTable = "students";
}
