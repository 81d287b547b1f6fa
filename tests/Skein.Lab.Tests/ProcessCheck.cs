// ProcessCheck: is a PID still a Skein process (the program, its dotnet host, or a worker)? A PID the
// kernel has since given to some unrelated process does not count.
namespace Skein.Lab.Tests;

internal static class ProcessCheck
{
    public static bool IsSkein(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            var state = File.ReadAllText($"/proc/{pid}/stat");
            bool zombie = state[(state.LastIndexOf(')') + 2)..].StartsWith('Z');
            return !zombie && (cmdline.Contains("skein", StringComparison.Ordinal) || cmdline.Contains("nginx", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone
        }
    }
}
