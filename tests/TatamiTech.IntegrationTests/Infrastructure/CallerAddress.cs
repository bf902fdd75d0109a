using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// Makes every request of an <see cref="InProcessApi"/> come from <paramref name="address"/> (the test
/// server has no network peer), for the rules that depend on who calls.
/// </summary>
public sealed class CallerAddress(string address) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return nextMiddleware(context);
        });
        next(app);
    };
}
