using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.AppHost;

/// <summary>
/// Each service's <c>.http</c> file, sent request by request against the running stack as an editor would,
/// with the stack's real ports: every answer is the one the file says it is.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class HttpFilesShould(StackFixture stack)
{
    [Fact]
    public async Task WalkTheTwoAcademyFlowOfTheApi()
    {
        var file = Load("TatamiTech.Api/TatamiTech.Api.http")
            .With("port", stack.Api.BaseAddress!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("email", $"kenji.{Guid.NewGuid():N}@example.com");

        await SendAsync(file, minimum: 10);
    }

    [Fact]
    public async Task WalkTheAcademyLifecycleOfThePlatform()
    {
        var file = Load("TatamiTech.Platform/TatamiTech.Platform.http")
            .With("platform", stack.Platform.BaseAddress!.ToString().TrimEnd('/'))
            .With("slug", $"httpfile{Guid.NewGuid():N}"[..20]);

        await SendAsync(file, minimum: 7);
    }

    [Fact]
    public async Task RunTheRosterReportsWithTheKey()
    {
        var file = Load("TatamiTech.Worker/TatamiTech.Worker.http")
            .With("worker", stack.WorkerAddress.ToString().TrimEnd('/'))
            .With("runKey", StackFixture.WorkerRunKey);

        await SendAsync(file, minimum: 2);
    }

    private static HttpFile Load(string relativePath)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TatamiTech.Aspire.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return HttpFile.Load(Path.Combine(directory.FullName, relativePath));
    }

    private static async Task SendAsync(HttpFile file, int minimum)
    {
        Assert.True(file.Count >= minimum, $"Only {file.Count} requests read from the file.");
        using var client = new HttpClient();

        var failures = await file.SendAllAsync(client);

        Assert.Empty(failures);
    }
}
