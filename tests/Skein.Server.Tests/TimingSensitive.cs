// Tests that measure time or hold many sockets run one class at a time (not in parallel with each other),
// so their timing is not distorted by sibling tests on this 2-core machine.
namespace Skein.Server.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "timing-sensitive";
}
