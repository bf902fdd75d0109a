namespace TatamiTech.Hosting.LocalPostgres.Tests;

/// <summary>
/// The data root belongs to the user running the AppHost, and a root someone else controls is refused before
/// anything in it is acted on.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresDataRootShould : ScratchDirectory
{
    private const UnixFileMode OwnerOnly = LocalPostgresDataRoot.OwnerOnly;

    /// <summary>Owner only, plus traversal when root runs the server as postgres, which must walk down to its data.</summary>
    private static UnixFileMode PrivateDirectory => Environment.IsPrivilegedProcess
        ? OwnerOnly | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute
        : OwnerOnly;

    [Theory]
    [InlineData("TatamiTech.AppHost", "tatamitech-postgres")]
    [InlineData("My Shop.apphost", "my-shop-postgres")]
    [InlineData("Tests", "tests-postgres")]
    public void BeNamedAfterTheApplication(string application, string expected) =>
        Assert.Equal(expected, LocalPostgresDataRoot.FolderName(application));

    [Fact]
    public void BeTheUsersOwnAndOwnerOnlyByDefault()
    {
        const string folder = "localpg-tests-postgres";
        var uid = TestProcesses.Run("id", "-u");
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var expected = !Environment.IsPrivilegedProcess && runtime is not null && Path.IsPathFullyQualified(runtime)
            && Directory.Exists(runtime)
                ? Path.Combine(runtime, folder)
                : Path.Combine(Path.GetTempPath(), $"{folder}-{uid}");
        Assert.Equal(expected, LocalPostgresDataRoot.Default(folder));

        var data = LocalPostgresDataDirectory.CreateForThisRun(LocalPostgresDataRoot.Default(folder), _ => { });
        try
        {
            Assert.Equal(uid, TestProcesses.Run("stat", "-c", "%u", expected));
            Assert.Equal(PrivateDirectory, File.GetUnixFileMode(expected));
        }
        finally
        {
            data.Remove(TimeSpan.Zero);
        }
    }

    [Fact]
    public void KeepPersistentClustersWhereTheSystemDoesNotClearThem()
    {
        const string folder = "tatamitech-postgres";
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var expected = Environment.IsPrivilegedProcess
            ? "/var/lib/tatamitech-postgres"
            : data is not null && Path.IsPathFullyQualified(data)
                ? Path.Combine(data, folder)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local/share/tatamitech-postgres");

        Assert.Equal(expected, LocalPostgresDataRoot.DefaultPersistent(folder));
        Assert.False(LocalPostgresDataRoot.DefaultPersistent(folder).StartsWith(Path.GetTempPath(), StringComparison.Ordinal));
    }

    [Fact]
    public void CreateANewRootForItsOwnerOnly()
    {
        var root = Path.Combine(Parent, "root");

        var data = LocalPostgresDataDirectory.CreateForThisRun(root, _ => { });

        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(root));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(data.RunDirectory));
        Assert.Equal(Path.Combine(root, Path.GetFileName(data.RunDirectory)), data.RunDirectory);
    }

    [Fact]
    public void RefuseARootThatIsASymbolicLink()
    {
        var target = Directory.CreateDirectory(Path.Combine(Parent, "elsewhere")).FullName;
        var root = Path.Combine(Parent, "root");
        Directory.CreateSymbolicLink(root, target);

        var error = Assert.Throws<DistributedApplicationException>(() => LocalPostgresDataDirectory.CreateForThisRun(root, _ => { }));

        AssertSaysWhatToDo(error, $"'{root}' is a symbolic link");
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    [Fact]
    public void RefuseARootOwnedByAnotherUser()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            // Only root can give a directory away to another user (CI runs as root).
            return;
        }

        var root = Directory.CreateDirectory(Path.Combine(Parent, "root")).FullName;
        var planted = PlantAbandonedRun(root, serverPid: StartSleep().Id);
        TestProcesses.Run("chown", "-R", "nobody", root);

        var error = Assert.Throws<DistributedApplicationException>(() => LocalPostgresDataDirectory.CreateForThisRun(root, _ => { }));

        AssertSaysWhatToDo(error, $"'{root}' is owned by user id {TestProcesses.Run("id", "-u", "nobody")}, not by this user (0)");
        Assert.True(Directory.Exists(planted), "Nothing in a refused root is swept.");
        Assert.All(Processes, p => Assert.False(p.HasExited));
    }

    [Fact]
    public void RefuseARootOtherUsersCanWriteTo()
    {
        var root = Directory.CreateDirectory(Path.Combine(Parent, "root")).FullName;
        File.SetUnixFileMode(root, UnixFileMode.StickyBit | OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        var error = Assert.Throws<DistributedApplicationException>(() => LocalPostgresDataDirectory.CreateForThisRun(root, _ => { }));

        AssertSaysWhatToDo(error, $"'{root}' can be written by other users");
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    /// <summary>The refusal names the root and the reason, and the two ways out: remove it, or choose another.</summary>
    private static void AssertSaysWhatToDo(DistributedApplicationException error, string reason)
    {
        Assert.Contains(reason, error.Message);
        Assert.Contains("Remove it", error.Message);
        Assert.Contains("WithDataRoot", error.Message);
    }
}
