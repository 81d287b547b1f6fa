// The lab tests load the machine (servers, load generators, a browser): they run one class at a time.
namespace Skein.Lab.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LabRuns
{
    public const string Name = "Lab";
}
