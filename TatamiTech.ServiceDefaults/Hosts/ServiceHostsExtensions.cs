using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TatamiTech.ServiceDefaults.Hosts;

public static class ServiceHostsExtensions
{
    /// <summary>
    /// The hosts a service answers on: the framework's <c>AllowedHosts</c> key (semicolon-separated names, no ports;
    /// <c>*</c> for any), through <see cref="ServiceHostsMiddleware"/>, which takes the place of the framework's
    /// own filter at the head of the pipeline so that one filter runs, not two.
    /// </summary>
    public static TBuilder AddServiceHosts<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // The refusal's body is problem details, written by the middleware; the framework's would be HTML.
        builder.Services.Configure<HostFilteringOptions>(options => options.IncludeFailureMessage = false);

        var services = builder.Services;
        var framework = services.FirstOrDefault(d =>
            d.ServiceType == typeof(IStartupFilter) && d.ImplementationType?.FullName == "Microsoft.AspNetCore.HostFilteringStartupFilter");
        var ours = ServiceDescriptor.Transient<IStartupFilter, ServiceHostsStartupFilter>();
        if (framework is null)
        {
            services.Insert(0, ours);
        }
        else
        {
            services[services.IndexOf(framework)] = ours;
        }

        return builder;
    }

    private sealed class ServiceHostsStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<ServiceHostsMiddleware>();
            next(app);
        };
    }
}
