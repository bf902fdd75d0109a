using TatamiTech.Names;
using TatamiTech.Tenancy.AspNetCore;

namespace TatamiTech.Identity.Hosts;

public static class AcademyHostsExtensions
{
    /// <summary>
    /// Which host serves what. The discovery document and the published keys are the same for every academy, and the
    /// services that validate tokens read them from the issuer's own address: they answer on any host. Everything else
    /// (the token endpoint above all) is an academy's: its host must name a known, active academy, whose tenant context
    /// the request then runs in, so that a client is found only in its own academy.
    /// </summary>
    public static IApplicationBuilder UseAcademyHosts(this IApplicationBuilder app) =>
        app.UseWhen(context => !ServesEveryHost(context.Request.Path), academy => academy.UseAcademyResolution());

    private static bool ServesEveryHost(PathString path) =>
        path.Equals(ServicePaths.IdentityDiscovery, StringComparison.OrdinalIgnoreCase)
        || path.Equals(ServicePaths.IdentityKeys, StringComparison.OrdinalIgnoreCase)
        || path.Equals(ServicePaths.Health, StringComparison.OrdinalIgnoreCase)
        || path.Equals(ServicePaths.Alive, StringComparison.OrdinalIgnoreCase);
}
