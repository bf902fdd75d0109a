namespace TatamiTech.AppHost.Postgres;

/// <summary>
/// One database, four ways in: <paramref name="Owner"/> for migrations, <paramref name="Runtime"/> for
/// everything the academy-facing services do, <paramref name="Platform"/> for the academy lifecycle,
/// <paramref name="Identity"/> for sign-in.
/// </summary>
public sealed record TatamiDatabase(
    IResourceBuilder<IResourceWithConnectionString> Owner,
    IResourceBuilder<IResourceWithConnectionString> Runtime,
    IResourceBuilder<IResourceWithConnectionString> Platform,
    IResourceBuilder<IResourceWithConnectionString> Identity);
