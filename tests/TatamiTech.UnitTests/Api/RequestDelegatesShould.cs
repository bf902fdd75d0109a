using System.Reflection;
using TatamiTech.Api;
using TatamiTech.Platform.Operators;
using TatamiTech.Worker.Roster;

namespace TatamiTech.UnitTests.Api;

/// <summary>
/// Each service's minimal-API handlers are bound by the request delegate generator at build time: its calls
/// to Map* are intercepted by generated methods, so no expression tree is built and compiled for a handler at
/// start. Checked in the compiled assemblies, where the generator leaves one intercepting method per call
/// (its attribute is file-local, so only the end of its name is known).
/// </summary>
public sealed class RequestDelegatesShould
{
    public static TheoryData<string, Assembly> Services => new()
    {
        { "api", typeof(ApiEntryPoint).Assembly },
        { "worker", typeof(RosterReportOptions).Assembly },
        { "platform", typeof(OperatorTokenRequest).Assembly },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void BeBoundByCodeGeneratedAtBuildTime(string service, Assembly assembly)
    {
        var intercepting = assembly.GetTypes()
            .Where(t => t.Namespace == "Microsoft.AspNetCore.Http.Generated")
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Count(m => m.GetCustomAttributesData().Any(a => IsInterceptsLocation(a.AttributeType)));

        Assert.True(intercepting > 0, $"No handler of the {service} is bound at build time.");
    }

    private static bool IsInterceptsLocation(Type attribute) =>
        attribute.Name.EndsWith("InterceptsLocationAttribute", StringComparison.Ordinal);
}
