// Replays the checked-in fuzz corpus (tests/Skein.Fuzz/corpus: afl++'s minimized queue and every crash or hang
// it ever found) through the fuzz targets, as ordinary tests: each input must end in requests or a rejection,
// keep every invariant of its target, and finish within the step bound (Feeder's), so never hang.
namespace Skein.Http.Tests;

public sealed class FuzzCorpusTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "FuzzCorpus");

    public static TheoryData<string, string> Inputs
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var target in FuzzTargets.Descriptions.Keys)
            {
                foreach (var file in Directory.EnumerateFiles(Path.Combine(Corpus, target)).Order(StringComparer.Ordinal))
                {
                    data.Add(target, Path.GetFileName(file));
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Corpus_input_keeps_the_invariants_of_its_target(string target, string file)
        => FuzzTargets.For(target)(File.ReadAllBytes(Path.Combine(Corpus, target, file)));

    [Fact]
    public void Every_target_has_a_corpus()
    {
        foreach (var target in FuzzTargets.Descriptions.Keys)
        {
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(Corpus, target)));
        }
    }

    [Fact]
    public void Seeds_keep_the_invariants_too()
    {
        foreach (var target in FuzzTargets.Descriptions.Keys)
        {
            foreach (var (_, bytes) in FuzzSeeds.For(target))
            {
                FuzzTargets.For(target)(bytes);
            }
        }
    }
}
