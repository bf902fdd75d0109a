using TatamiTech.Data.Wall;
using TatamiTech.Names;
using TatamiTech.Platform.Academies;
using TatamiTech.Platform.Clients;
using TatamiTech.Platform.Invitations;
using TatamiTech.Platform.Placement;
using TatamiTech.Tenancy.AspNetCore.Resolution;

namespace TatamiTech.Platform;

public static class PlatformData
{
    /// <summary>The platform role's connection: one data source, and the academy store on it.</summary>
    public static TBuilder AddPlatformData<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionNames.Platform)
            ?? throw new InvalidOperationException(
                $"Connection string '{ConnectionNames.Platform}' is missing. Run the stack through TatamiTech.AppHost, " +
                $"or set {ConfigurationKeys.ConnectionString(ConnectionNames.Platform)}.");
        builder.Services.AddNpgsqlDataSource(connectionString);
        // Not ready while the wall's setting does not reach the statements it guards (exports, erasure).
        builder.Services.AddTenantWallCheck();
        // The root domains, whose labels no academy may take.
        builder.Services.AddOptions<TenancyOptions>().BindConfiguration(TenancyOptions.SectionName);
        builder.Services.AddSingleton<AcademyStore>();
        builder.Services.AddSingleton<AcademyData>();
        builder.Services.AddSingleton<AcademyRules>();
        builder.Services.AddSingleton<PlacementStore>();
        builder.Services.AddSingleton<ClientStore>();
        builder.Services.AddSingleton<InvitationIssuer>();
        return builder;
    }
}
