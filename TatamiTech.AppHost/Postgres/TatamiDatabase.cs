namespace TatamiTech.AppHost.Postgres;

/// <summary>
/// One database, two ways in: <paramref name="Owner"/> for migrations, <paramref name="Runtime"/> for
/// everything the services do.
/// </summary>
public sealed record TatamiDatabase(
    IResourceBuilder<IResourceWithConnectionString> Owner,
    IResourceBuilder<IResourceWithConnectionString> Runtime);
