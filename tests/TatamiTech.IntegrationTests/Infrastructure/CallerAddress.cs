using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// Makes every request of an <see cref="InProcessApi"/> come from <paramref name="address"/> (the test
/// server has no network peer), for the rules that depend on who calls; a request carrying
/// <see cref="Header"/> comes from the address it names instead. Runs before the service's own pipeline,
/// forwarded headers included, as a network peer would.
/// </summary>
public sealed class CallerAddress(string address) : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            var peer = context.Request.Headers[Header].ToString();
            context.Connection.RemoteIpAddress = IPAddress.Parse(peer.Length > 0 ? peer : address);
            context.Request.Headers.Remove(Header);
            return nextMiddleware(context);
        });
        next(app);
    };
}
