namespace TatamiTech.Hosting.LocalPostgres.Tests;

/// <summary>The owner's password reaches initdb through a file no one else can read or plant.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresClusterShould : ScratchDirectory
{
    [Fact]
    public async Task CreateThePasswordFileForItsOwnerOnly()
    {
        var path = Path.Combine(Parent, "pwfile");

        await LocalPostgresCluster.WritePasswordFileAsync(path, "s3cret", CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("s3cret", await File.ReadAllTextAsync(path));

        // Only as a new file: a link planted where it goes is not written through.
        var target = Path.Combine(Parent, "target");
        await File.WriteAllTextAsync(target, "untouched");
        var planted = Path.Combine(Parent, "planted-pwfile");
        File.CreateSymbolicLink(planted, target);
        await Assert.ThrowsAsync<IOException>(() => LocalPostgresCluster.WritePasswordFileAsync(planted, "s3cret", CancellationToken.None));
        Assert.Equal("untouched", await File.ReadAllTextAsync(target));
    }
}
