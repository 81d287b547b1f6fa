// ProgressLines: a running tool's progress as plain lines on stderr, one per second of the run, for output
// that cannot redraw a bar (a pipe, a file, NO_COLOR). Each line is written and flushed when it happens,
// so `skein bench ... | cat` shows the run moving. It formats and throttles; it does not measure.
using System.Globalization;
using Skein.Bench.Load;

namespace Skein.Bench.Reports;

/// <summary>Writes one progress line per elapsed second.</summary>
/// <param name="output">Where the lines go (stderr: stdout is the result).</param>
public sealed class ProgressLines(TextWriter output)
{
    private long _lastSecond;

    /// <summary>Called with every progress snapshot; writes a line when a new whole second has passed.</summary>
    public void Report(LoadProgress progress)
    {
        var second = (long)progress.Elapsed.TotalSeconds;
        if (second <= _lastSecond)
        {
            return;
        }
        _lastSecond = second;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"progress: {second} s of {progress.Duration.TotalSeconds:0.###} s, {progress.Requests} requests, {progress.Errors} errors"));
        output.Flush();
    }
}
