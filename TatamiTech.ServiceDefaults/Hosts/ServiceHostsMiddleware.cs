using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TatamiTech.Names;

namespace TatamiTech.ServiceDefaults.Hosts;

/// <summary>
/// ASP.NET Core's own host filtering (<see cref="HostFilteringMiddleware"/>, configured by the <c>AllowedHosts</c>
/// key) ahead of the whole pipeline, as the framework places it, with two differences. A refused host gets problem
/// details like every other bad request, not the framework's HTML page. And the probes answer on any host: an
/// orchestrator probes a process by its address (a pod's IP), which no list of host names can hold, and a probe
/// tells a caller nothing but that the process is up.
/// </summary>
internal sealed class ServiceHostsMiddleware
{
    private static readonly object s_accepted = new();

    private readonly RequestDelegate _next;
    private readonly HostFilteringMiddleware _filter;
    private readonly IProblemDetailsService _problems;

    public ServiceHostsMiddleware(
        RequestDelegate next,
        ILogger<HostFilteringMiddleware> logger,
        IOptionsMonitor<HostFilteringOptions> options,
        IProblemDetailsService problems)
    {
        _next = next;
        _problems = problems;
        // The framework's filter calls this only for a host it accepts; a refusal returns without it.
        _filter = new HostFilteringMiddleware(
            context =>
            {
                context.Items[s_accepted] = true;
                return next(context);
            },
            logger,
            options);
    }

    public Task InvokeAsync(HttpContext context) => IsProbe(context.Request.Path) ? _next(context) : FilterAsync(context);

    private async Task FilterAsync(HttpContext context)
    {
        await _filter.Invoke(context);
        if (context.Items.ContainsKey(s_accepted) || context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await _problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Unknown host",
                Detail = "This service answers only on its own host names.",
            },
        });
    }

    private static bool IsProbe(PathString path) => path.Equals(ServicePaths.Health) || path.Equals(ServicePaths.Alive);
}
