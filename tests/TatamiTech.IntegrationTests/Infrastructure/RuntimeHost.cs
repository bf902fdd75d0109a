using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Data.Students;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// A host wired as the services wire their data layer (tenant context, TatamiDbContext, the runtime role
/// on the stack's database), for tests that reach past HTTP.
/// </summary>
public static class RuntimeHost
{
    /// <param name="configure">More services on top of the data layer, before the host is built.</param>
    /// <param name="connectionString">Another route to the stack's database as the runtime role (a pooler).</param>
    /// <param name="settings">Configuration the data layer reads, set before it is added.</param>
    public static IHost Build(
        StackFixture stack,
        int? maxPoolSize = null,
        Action<HostApplicationBuilder>? configure = null,
        string? connectionString = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        connectionString ??= stack.RuntimeConnectionString;
        builder.Configuration[$"ConnectionStrings:{ConnectionNames.Runtime}"] = maxPoolSize is { } size
            ? new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = size }.ConnectionString
            : connectionString;
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.AddTatamiData();
        // The one clock the service defaults register.
        builder.Services.AddSingleton(TimeProvider.System);
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>A white belt written through the tenant's own scope.</summary>
    public static async Task<Student> AddStudentAsync(this IHost host, TenantInfo tenant)
    {
        await using var scope = TenantScope.Create(host.Services, tenant);
        var db = scope.Services.GetRequiredService<TatamiDbContext>();
        var student = db.Students.Add(NewStudent()).Entity;
        await db.SaveChangesAsync();
        return student;
    }

    public static Student NewStudent() => new()
    {
        Id = Guid.CreateVersion7(),
        FirstName = "Data",
        LastName = "Test",
        Email = $"d{Guid.NewGuid():N}@example.com",
        BeltRank = "white",
    };
}
