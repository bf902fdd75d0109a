using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;

namespace TatamiTech.AppHost;

/// <summary>
/// A local run starts each service's built program itself. By default Aspire starts a project through
/// <c>dotnet run --no-build</c>: a wrapper process that evaluates the project with MSBuild only to learn the
/// program the AppHost's own build already produced, once per service and per replica, on the start-up path of
/// every service that waits for the migration service. Aspire takes a project's command from
/// its <see cref="ExecutableAnnotation"/> when it has one, and the AppHost's build records each service's program
/// (the <c>RecordServicePrograms</c> target), so the wrapper is skipped and the program is the process the
/// dashboard shows and a stop signals. An IDE session still launches (and debugs) the project itself, and
/// <c>dotnet watch</c> keeps Aspire's own command; a program the build did not leave keeps <c>dotnet run</c>.
/// </summary>
internal static class BuiltServicePrograms
{
    /// <summary>The prefix of the assembly metadata keys the build writes, each followed by a project's path.</summary>
    internal const string MetadataPrefix = "TatamiTech.ServiceProgram:";

    public static IResourceBuilder<ProjectResource> StartBuiltProgram(this IResourceBuilder<ProjectResource> service)
    {
        var builder = service.ApplicationBuilder;
        if (!builder.ExecutionContext.IsRunMode || UnderDotnetWatch(builder.Configuration))
        {
            return service;
        }

        var project = service.Resource.GetProjectMetadata().ProjectPath;
        if (ProgramOf(project) is not { } program)
        {
            return service;
        }

        // The working directory dotnet run gives the service: the project's folder, its content root.
        service.WithAnnotation(new ExecutableAnnotation
        {
            Command = program,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        });

        // A native .NET program finds its runtime through DOTNET_ROOT or the machine's install location, and dotnet run
        // sets the former for what it starts: the runtime the AppHost runs on, for an SDK installed anywhere.
        return RuntimeRoot() is { } root ? service.WithEnvironment("DOTNET_ROOT", root) : service;
    }

    // dotnet watch sets DOTNET_WATCH=1; Aspire reads "1" and "true" alike.
    private static bool UnderDotnetWatch(IConfiguration configuration) =>
        configuration["DOTNET_WATCH"] is { } value
        && (value == "1" || string.Equals(value, bool.TrueString, StringComparison.OrdinalIgnoreCase));

    /// <summary>The folder of the dotnet host whose shared runtime runs the AppHost (…/shared/Microsoft.NETCore.App/x.y.z).</summary>
    private static string? RuntimeRoot()
    {
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory());
        var root = runtime.Parent?.Parent?.Parent;
        var host = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        return root is not null && File.Exists(Path.Combine(root.FullName, host)) ? root.FullName : null;
    }

    /// <summary>The native program next to the project's built assembly, or null when the build left none.</summary>
    internal static string? ProgramOf(string projectPath)
    {
        var assembly = typeof(BuiltServicePrograms).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => a.Key.StartsWith(MetadataPrefix, StringComparison.Ordinal))
            .FirstOrDefault(a => SamePath(a.Key[MetadataPrefix.Length..], projectPath))?.Value;
        if (assembly is null)
        {
            return null;
        }

        var program = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
        return File.Exists(program) ? program : null;
    }

    private static bool SamePath(string left, string right) => string.Equals(
        Path.GetFullPath(left),
        Path.GetFullPath(right),
        OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
