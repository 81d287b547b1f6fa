// Tests that measure time (model semantics, timeouts, slow clients, shutdown deadlines) or exhaust the process's
// descriptors run one class at a time, after the parallel classes, so sibling tests on this 2-core machine
// neither distort their timing nor take their descriptors. The integration matrix, which asserts behaviour
// only (with deadlines, not timings), runs with the parallel classes.
namespace Skein.Server.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "timing-sensitive";
}
