// getrlimit(2) for RLIMIT_NOFILE: how many descriptors this process may hold, for DescriptorBudget.
// Numbers from <sys/resource.h> (Linux). Nothing else.
using System.Runtime.InteropServices;

namespace Skein.Server.Interop;

/// <summary>getrlimit(2).</summary>
internal static partial class ResourceLimits
{
    /// <summary>The resource: open file descriptors.</summary>
    public const int RLIMIT_NOFILE = 7;

    /// <summary>"No limit".</summary>
    public const ulong RLIM_INFINITY = ulong.MaxValue;

    /// <summary><c>struct rlimit</c>: the soft (current) and hard (maximum) limits.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Limit
    {
        /// <summary>rlim_cur.</summary>
        public ulong Soft;

        /// <summary>rlim_max.</summary>
        public ulong Hard;
    }

    /// <summary><c>int getrlimit(int resource, struct rlimit *rlim)</c>.</summary>
    [LibraryImport(Libc.Name, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int Get(int resource, out Limit limit);
}
