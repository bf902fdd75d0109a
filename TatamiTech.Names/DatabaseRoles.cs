namespace TatamiTech.Names;

/// <summary>Database roles the migrations create and the AppHost puts in connection strings.</summary>
public static class DatabaseRoles
{
    /// <summary>The role the API and the Worker run as: not superuser, not owner, not BYPASSRLS.</summary>
    public const string Runtime = "tatami_app";
}
