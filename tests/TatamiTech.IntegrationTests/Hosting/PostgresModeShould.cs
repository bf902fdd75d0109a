using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>Choosing how Postgres runs: a wrong or impossible choice fails at start with what to do.</summary>
public sealed class PostgresModeShould
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FailFastWhenContainerModeIsForcedWithoutARuntime()
    {
        var dockerAnswers = DockerAnswers();
        using var timeout = new CancellationTokenSource(s_timeout);

        var create = CreateAsync(["--Postgres:Mode=container"], timeout.Token);

        if (dockerAnswers)
        {
            // With a runtime the container path is the normal one: building the model succeeds.
            await using var builder = await create;
            Assert.Contains(builder.Resources, r => r.Name == "postgres");
            return;
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => create);
        var message = Flatten(error);
        Assert.Contains("Postgres:Mode is 'container'", message);
        Assert.Contains("Postgres:Mode=local", message);
        Assert.False(timeout.IsCancellationRequested, "The failure must come at once, not as a timeout.");
    }

    [Fact]
    public async Task SayWhatToInstallWhenNoLocalServerIsFound()
    {
        using var timeout = new CancellationTokenSource(s_timeout);

        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            CreateAsync(["--Postgres:Mode=local", "--Postgres:BinDirectory=/nonexistent/postgres/bin"], timeout.Token));

        Assert.Contains("postgresql", Flatten(error));
    }

    [Fact]
    public async Task RefuseAnUnknownMode()
    {
        using var timeout = new CancellationTokenSource(s_timeout);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => CreateAsync(["--Postgres:Mode=cloud"], timeout.Token));

        Assert.Contains("use auto, container, local, citus or external", Flatten(error));
    }

    [Theory]
    [InlineData(true, typeof(PostgresServerResource))]
    [InlineData(false, typeof(LocalPostgresServerResource))]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ChooseTheContainerInAutoModeOnlyWhenTheEngineAnswers(bool engineAnswers, Type server)
    {
        using var docker = new FakeContainerRuntime(engineAnswers);
        using var timeout = new CancellationTokenSource(s_timeout);

        await using var builder = await CreateAsync(["--Postgres:Mode=auto", $"--ASPIRE_CONTAINER_RUNTIME={docker.Path}"], timeout.Token);

        Assert.IsType(server, builder.Resources.Single(r => r.Name == ResourceNames.Postgres));
        Assert.Equal(["info --format {{.ServerVersion}}"], docker.Calls);
    }

    private static async Task<IDistributedApplicationTestingBuilder> CreateAsync(string[] args, CancellationToken cancellationToken) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(args, cancellationToken);

    private static string Flatten(Exception error)
    {
        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" | ", messages);
    }

    private static bool DockerAnswers()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            return docker.WaitForExit(10_000) && docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
