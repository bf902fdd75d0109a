namespace TatamiTech.Hosting.LocalPostgres;

/// <summary>
/// The directory that holds a server's clusters: of this user's own, and checked before anything in it is trusted,
/// since whoever can write in it can plant run directories and pid files for the AppHost to act on.
/// </summary>
internal static class LocalPostgresDataRoot
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The default roots' name: after the application, as Aspire names a container's volumes.</summary>
    public static string FolderName(string applicationName)
    {
        var app = applicationName.EndsWith(".AppHost", StringComparison.OrdinalIgnoreCase)
            ? applicationName[..^".AppHost".Length]
            : applicationName;
        var name = new string([.. app.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
        return $"{name}-postgres";
    }

    /// <summary>
    /// Where throw-away clusters go by default: a root of this user's own, never a name shared in /tmp.
    /// </summary>
    public static string Default(string folderName)
    {
        if (OperatingSystem.IsWindows())
        {
            // The temp folder is the user's own there (%LOCALAPPDATA%\Temp).
            return Path.Combine(Path.GetTempPath(), folderName);
        }

        // XDG_RUNTIME_DIR is the user's own (0700). Not as root: the server then runs as postgres and must
        // walk down to its data directory, which /run/user/0 does not let it do.
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!Environment.IsPrivilegedProcess && runtime is not null && Path.IsPathFullyQualified(runtime) && Directory.Exists(runtime))
        {
            return Path.Combine(runtime, folderName);
        }

        return Path.Combine(Path.GetTempPath(), $"{folderName}-{UnixFileStatus.EffectiveUserId}");
    }

    /// <summary>
    /// Where a persistent cluster goes by default: a directory the system keeps, unlike the temporary root (a reboot,
    /// a logout or the temp cleaner's ageing would delete a cluster, or half of one). This user's data directory;
    /// as root /var/lib, since the server then runs as postgres and must walk down to its data.
    /// </summary>
    public static string DefaultPersistent(string folderName)
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), folderName);
        }

        if (Environment.IsPrivilegedProcess)
        {
            return Path.Combine("/var/lib", folderName);
        }

        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        return data is not null && Path.IsPathFullyQualified(data)
            ? Path.Combine(data, folderName)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", folderName);
    }

    /// <summary>
    /// Creates the root for its owner only, or accepts an existing one only if it is a directory (not a link)
    /// of this user that other users cannot write to. Checked after creating: whether made just now or found,
    /// what is checked is what will be used. Returns the root's one spelling, so that a server's data directory
    /// compares equal from one run to the next.
    /// </summary>
    public static string Prepare(string root)
    {
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (new DirectoryInfo(root).LinkTarget is not null)
        {
            throw Refuse(root, "is a symbolic link");
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root);
            return root;
        }

        // The parents as any directory (the path down must stay walkable for the postgres user), the root 0700.
        Directory.CreateDirectory(Path.GetDirectoryName(root) ?? root);
        Directory.CreateDirectory(root, OwnerOnly);

        // Elsewhere (macOS) there is no statx; the default root there is in the user's own $TMPDIR.
        if (OperatingSystem.IsLinux())
        {
            Check(root);
        }

        AllowTraversal(root);
        return root;
    }

    /// <summary>
    /// The server runs as another user than the AppHost when the AppHost is root: it must be able to
    /// walk down to its data directory. Traversal only; listing and reading stay private.
    /// </summary>
    public static void AllowTraversal(string directory)
    {
        if (OperatingSystem.IsWindows() || !LocalPostgresInstallation.RunsAsPostgresUser)
        {
            return;
        }

        var mode = File.GetUnixFileMode(directory);
        File.SetUnixFileMode(directory, mode | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    private static void Check(string root)
    {
        var status = UnixFileStatus.Of(root, followLinks: false) ?? throw Refuse(root, "cannot be examined (statx failed)");
        var me = UnixFileStatus.EffectiveUserId;
        var problem = status switch
        {
            { IsSymbolicLink: true } => "is a symbolic link",
            { IsDirectory: false } => "is not a directory",
            _ when status.OwnerId != me => $"is owned by user id {status.OwnerId}, not by this user ({me})",
            { IsWritableByOthers: true } => "can be written by other users",
            _ => null,
        };
        if (problem is not null)
        {
            throw Refuse(root, problem);
        }
    }

    private static DistributedApplicationException Refuse(string root, string reason) => new(
        $"The Postgres data root '{root}' {reason}. Someone else could plant run directories and pid files in it " +
        "for this AppHost to act on. Remove it, or give the server a data root of your own (WithDataRoot).");
}
