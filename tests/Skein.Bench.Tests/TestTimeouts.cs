// TestTimeouts: the deadlines these tests wait with, generous because other builds share the 2 cores.
namespace Skein.Bench.Tests;

internal static class TestTimeouts
{
    /// <summary>Upper bound for anything a test awaits that should take well under a second.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);
}
