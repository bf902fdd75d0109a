namespace TatamiTech.Names;

/// <summary>
/// The <c>ConnectionStrings:*</c> keys the services read. The AppHost references each database resource
/// under its own name, so a key is the name of the resource it comes from and the two cannot drift.
/// </summary>
public static class ConnectionNames
{
    /// <summary>The schema owner: migrations only, read by the migration service alone.</summary>
    public const string Owner = ResourceNames.OwnerDatabase;

    /// <summary>The runtime role: what every query of the API and the Worker runs on.</summary>
    public const string Runtime = ResourceNames.RuntimeDatabase;

    /// <summary>The platform role: the platform service's only connection.</summary>
    public const string Platform = ResourceNames.PlatformDatabase;

    /// <summary>The identity role: the identity service's only connection.</summary>
    public const string Identity = ResourceNames.IdentityDatabase;
}
