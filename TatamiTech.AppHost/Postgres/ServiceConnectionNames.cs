namespace TatamiTech.AppHost.Postgres;

/// <summary>
/// The connection string names the services read (TatamiTech.Data's DataExtensions); a test holds the
/// two sides equal.
/// </summary>
public static class ServiceConnectionNames
{
    /// <summary>What every query runs on: the runtime role.</summary>
    public const string Runtime = "tatamidb";

    /// <summary>The schema owner, given to the migration service alone.</summary>
    public const string Migrations = "tatamidb-migrations";

    /// <summary>The role the migrations create for the services (TatamiTech.Data's DatabaseWall.RuntimeRole).</summary>
    public const string RuntimeRole = "tatami_app";
}
