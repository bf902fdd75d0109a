using Microsoft.AspNetCore.OpenApi;
using TatamiTech.ServiceDefaults.OpenApi;
using TatamiTech.Tenancy.AspNetCore;

namespace TatamiTech.Api.Database;

public static class DatabaseOutageExtensions
{
    /// <summary>503 problem details while the database is unreachable (see <see cref="DatabaseOutageHandler"/>).</summary>
    public static TBuilder AddDatabaseOutageProblems<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddExceptionHandler<DatabaseOutageHandler>();
        builder.Services.ConfigureAll<OpenApiOptions>(options => options.AddOperationTransformer(async (operation, context, ct) =>
        {
            // Every academy endpoint reads the database, the academy's lookup at least.
            if (TenancyResponsesTransformer.ServesAnAcademy(context))
            {
                await ProblemResponses.AddAsync(operation, context, StatusCodes.Status503ServiceUnavailable,
                    "The database is unreachable for now; see Retry-After.", ct);
            }
        }));
        return builder;
    }
}
