namespace TatamiTech.Hosting.LocalPostgres;

/// <summary>What a database's initializer gets: the database, as its owner, once it exists.</summary>
/// <param name="ConnectionString">The owner's connection string to the database (unpooled).</param>
/// <param name="Services">The app's services (notifications, to wait for other resources).</param>
public sealed record LocalPostgresDatabaseInitialization(
    LocalPostgresDatabaseResource Database, string ConnectionString, IServiceProvider Services, CancellationToken CancellationToken);
