// TimingSensitive: the tests whose assertions involve measured latency run alone (xunit runs other test
// classes in parallel), so a thousand-client comet test next door cannot blur their percentiles.
namespace Skein.Bench.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "Timing-sensitive load runs";
}
