// opendir(3)/readdir(3)/closedir(3), to count the entries of /proc/self/fd for DescriptorBudget without
// what Directory.GetFiles adds: a string per entry and a stat(2) per symbolic link (every entry there is
// one). The dirent layout is glibc's on 64-bit Linux. Nothing else.
using System.Runtime.InteropServices;

namespace Skein.Server.Interop;

/// <summary>Directory streams of the C library.</summary>
internal static unsafe partial class DirectoryStreams
{
    // struct dirent: d_ino (8 bytes), d_off (8), d_reclen (2), d_type (1), then d_name.
    private const int NameOffset = 19;

    /// <summary>How many entries <paramref name="path"/> holds, "." and ".." not counted; -1 when it cannot
    /// be opened (errno says why: EMFILE when this process is out of descriptors).</summary>
    public static int CountEntries(string path)
    {
        var stream = OpenDir(path);
        if (stream == 0)
        {
            return -1;
        }
        var count = 0;
        for (byte* entry; (entry = ReadDir(stream)) != null;)
        {
            var name = entry + NameOffset;
            if (!(name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))))
            {
                count++;
            }
        }
        _ = CloseDir(stream);
        return count;
    }

    [LibraryImport(Libc.Name, EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint OpenDir(string path);

    [LibraryImport(Libc.Name, EntryPoint = "readdir")]
    private static partial byte* ReadDir(nint stream);

    [LibraryImport(Libc.Name, EntryPoint = "closedir")]
    private static partial int CloseDir(nint stream);
}
