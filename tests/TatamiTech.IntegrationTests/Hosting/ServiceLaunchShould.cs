using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TatamiTech.AppHost;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// Run locally, each service starts as the program its build produced, without a <c>dotnet run</c> wrapper
/// evaluating the project first; under <c>dotnet watch</c> Aspire's own command stays.
/// </summary>
public sealed class ServiceLaunchShould
{
    private static readonly string[] s_services =
        [ResourceNames.Migrations, ResourceNames.Api, ResourceNames.Worker, ResourceNames.Platform, ResourceNames.Identity];

    [Fact]
    public async Task StartEachServiceAsTheProgramItsBuildProduced()
    {
        await using var builder = await CreateAsync();

        Assert.Equal(s_services.Order(), builder.Resources.OfType<ProjectResource>().Select(r => r.Name).Order());
        foreach (var service in builder.Resources.OfType<ProjectResource>())
        {
            var project = service.GetProjectMetadata().ProjectPath;
            var folder = Path.GetDirectoryName(project)!;
            var launch = Assert.Single(service.Annotations.OfType<ExecutableAnnotation>());

            Assert.True(File.Exists(launch.Command), $"{service.Name}: {launch.Command} does not exist.");
            var programName = Path.GetFileNameWithoutExtension(project) + (OperatingSystem.IsWindows() ? ".exe" : string.Empty);
            Assert.Equal(programName, Path.GetFileName(launch.Command));
            Assert.StartsWith(Path.Combine(folder, "bin") + Path.DirectorySeparatorChar, launch.Command, StringComparison.Ordinal);
            Assert.Equal(folder, launch.WorkingDirectory);

            // Where the program finds its runtime, as dotnet run would tell it: the AppHost's own dotnet host.
            var variables = new Dictionary<string, object>();
            var context = new EnvironmentCallbackContext(builder.ExecutionContext, service, variables);
            foreach (var callback in service.Annotations.OfType<EnvironmentCallbackAnnotation>())
            {
                await callback.Callback(context);
            }

            var root = Assert.IsType<string>(variables["DOTNET_ROOT"]);
            Assert.True(File.Exists(Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet")), root);
        }
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    public async Task LeaveTheLaunchToAspireUnderDotnetWatch(string watch)
    {
        await using var builder = await CreateAsync($"--DOTNET_WATCH={watch}");

        Assert.All(
            builder.Resources.OfType<ProjectResource>(),
            service => Assert.Empty(service.Annotations.OfType<ExecutableAnnotation>()));
    }

    [Fact]
    public void FindNoProgramForAProjectTheAppHostDoesNotReference() =>
        Assert.Null(BuiltServicePrograms.ProgramOf(Path.Combine(AppContext.BaseDirectory, "Unknown", "Unknown.csproj")));

    private static async Task<IDistributedApplicationTestingBuilder> CreateAsync(params string[] arguments)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--Postgres:Mode=local", .. arguments], timeout.Token);
    }
}
