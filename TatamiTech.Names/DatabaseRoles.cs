namespace TatamiTech.Names;

/// <summary>Database roles the migrations create and the AppHost puts in connection strings.</summary>
public static class DatabaseRoles
{
    /// <summary>The role the API and the Worker run as: not superuser, not owner, not BYPASSRLS.</summary>
    public const string Runtime = "tatami_app";

    /// <summary>
    /// The platform service's role: the only one that writes the academy directory; it reaches an
    /// academy's rows only inside that academy's tenant scope, as row-level security still binds it.
    /// </summary>
    public const string Platform = "tatami_platform";

    /// <summary>
    /// The identity service's role: reads the directory and, inside one academy's scope at a time, that academy's
    /// clients and members; row-level security binds it as it binds the others.
    /// </summary>
    public const string Identity = "tatami_identity";
}
