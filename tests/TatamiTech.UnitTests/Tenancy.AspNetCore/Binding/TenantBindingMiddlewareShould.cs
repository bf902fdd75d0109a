using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TatamiTech.Tenancy.AspNetCore.Binding;
using TatamiTech.Tenancy.AspNetCore.Observability;
using TatamiTech.Tenancy.AspNetCore.Resolution;
using TatamiTech.Tenancy;

namespace TatamiTech.UnitTests.Tenancy.AspNetCore.Binding;

/// <summary>The binding holds whatever authorization an endpoint declares, or none at all.</summary>
public sealed class TenantBindingMiddlewareShould
{
    private static readonly TenantInfo s_tenant = new(Guid.NewGuid(), "goldentiger", "Golden Tiger");

    public static TheoryData<string, object?> EndpointShapes => new()
    {
        { "no metadata", null },
        { "own policy", new AuthorizeAttribute("Admin") },
        { "roles", new AuthorizeAttribute { Roles = "owner" } },
        { "anonymous", new AllowAnonymousAttribute() },
    };

    [Theory]
    [MemberData(nameof(EndpointShapes))]
    public async Task RefuseATokenOfAnotherTenantOnAnyEndpoint(string shape, object? metadata)
    {
        var (status, reached) = await InvokeAsync(User(Guid.NewGuid().ToString()), metadata);

        Assert.True(status == StatusCodes.Status403Forbidden, shape);
        Assert.False(reached);
    }

    [Theory]
    [MemberData(nameof(EndpointShapes))]
    public async Task RefuseATokenWithoutATenantOnAnyEndpoint(string shape, object? metadata)
    {
        var (status, reached) = await InvokeAsync(User(null), metadata);

        Assert.True(status == StatusCodes.Status403Forbidden, shape);
        Assert.False(reached);
    }

    [Fact]
    public async Task LetAMemberOfTheTenantThrough()
    {
        var (_, reached) = await InvokeAsync(User(s_tenant.Id.ToString()), null);

        Assert.True(reached);
    }

    [Fact]
    public async Task LeaveAnonymousCallersToAuthorization()
    {
        var (_, reached) = await InvokeAsync(new ClaimsPrincipal(new ClaimsIdentity()), null);

        Assert.True(reached);
    }

    private static async Task<(int Status, bool Reached)> InvokeAsync(ClaimsPrincipal user, object? metadata)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services, User = user };
        context.Features.Set(new ResolvedTenant(s_tenant, FromHeader: false, MetricTag: null));
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(new Endpoint(
            _ => Task.CompletedTask, new EndpointMetadataCollection(metadata is null ? [] : [metadata]), "test"));

        var reached = false;
        var middleware = new TenantBindingMiddleware(
            _ => { reached = true; return Task.CompletedTask; },
            new AcademyMetricTags(Options.Create(new AcademyMetricsOptions())),
            NullLogger<TenantBindingMiddleware>.Instance);
        await middleware.InvokeAsync(context);
        return (context.Response.StatusCode, reached);
    }

    private static ClaimsPrincipal User(string? tenantId)
    {
        var claims = new List<Claim> { new("sub", "someone") };
        if (tenantId is not null)
        {
            claims.Add(new Claim("tenant_id", tenantId));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType: "Bearer"));
    }
}
