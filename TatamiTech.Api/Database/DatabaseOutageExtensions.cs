namespace TatamiTech.Api.Database;

public static class DatabaseOutageExtensions
{
    /// <summary>503 problem details while the database is unreachable (see <see cref="DatabaseOutageHandler"/>).</summary>
    public static TBuilder AddDatabaseOutageProblems<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddExceptionHandler<DatabaseOutageHandler>();
        return builder;
    }
}
