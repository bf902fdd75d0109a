using System.Runtime.InteropServices;

namespace TatamiTech.Hosting.LocalPostgres;

/// <summary>
/// What .NET does not tell about a file on Linux: its owner and its identity (device and inode), read with
/// statx. Unlike stat, whose struct differs between x64 and arm64 (and whose libc symbol changed with glibc
/// 2.33), struct statx has one layout on every architecture, so fixed offsets read it.
/// </summary>
internal static partial class UnixFileStatus
{
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint WantedFields = 0x1 /* type */ | 0x2 /* mode */ | 0x8 /* uid */ | 0x100 /* inode */;
    private const int StatxSize = 256;

    /// <summary>The user id files created by this process get (the effective one, which setuid changes).</summary>
    public static uint EffectiveUserId => GetEffectiveUserId();

    /// <summary>The file's status, or null when it does not exist or cannot be examined. Linux only.</summary>
    public static Status? Of(string path, bool followLinks)
    {
        var buffer = new byte[StatxSize];
        try
        {
            if (Statx(AtCurrentDirectory, path, followLinks ? 0 : AtSymlinkNoFollow, WantedFields, buffer) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            // A libc older than glibc 2.28: no way to know, which callers take as a refusal.
            return null;
        }

        // Offsets of stx_uid, stx_mode, stx_ino, stx_dev_major and stx_dev_minor in linux/stat.h.
        return new Status(
            OwnerId: BitConverter.ToUInt32(buffer, 20),
            Mode: BitConverter.ToUInt16(buffer, 28),
            Inode: BitConverter.ToUInt64(buffer, 32),
            DeviceMajor: BitConverter.ToUInt32(buffer, 136),
            DeviceMinor: BitConverter.ToUInt32(buffer, 140));
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    internal readonly record struct Status(uint OwnerId, ushort Mode, ulong Inode, uint DeviceMajor, uint DeviceMinor)
    {
        private const int TypeMask = 0xF000;

        public bool IsDirectory => (Mode & TypeMask) == 0x4000;

        public bool IsSymbolicLink => (Mode & TypeMask) == 0xA000;

        public bool IsWritableByOthers => (Mode & 0x2) != 0;

        public bool IsSameFileAs(Status other) =>
            Inode == other.Inode && DeviceMajor == other.DeviceMajor && DeviceMinor == other.DeviceMinor;
    }
}
