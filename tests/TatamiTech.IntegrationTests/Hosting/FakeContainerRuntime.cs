namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// A container runtime's client that answers <c>info</c> as an engine would (exit 0 with a version) or as one
/// without an engine does (exit 1), and writes down every call: handed to the AppHost as
/// <c>ASPIRE_CONTAINER_RUNTIME</c>, it stands in for <c>docker</c>.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class FakeContainerRuntime : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tatamitech-fake-docker-").FullName;

    public FakeContainerRuntime(bool engineAnswers)
    {
        Path = System.IO.Path.Combine(_directory, "docker");
        var answer = engineAnswers ? "echo 27.3.1\nexit 0" : "echo 'Cannot connect to the Docker daemon' >&2\nexit 1";
        File.WriteAllText(Path, $"#!/bin/sh\necho \"$*\" >> '{CallsPath}'\n{answer}\n");
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Path { get; }

    /// <summary>The arguments of each call, one line per call.</summary>
    public IReadOnlyList<string> Calls => File.Exists(CallsPath) ? File.ReadAllLines(CallsPath) : [];

    private string CallsPath => System.IO.Path.Combine(_directory, "calls");

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
