// Guards the zero-allocation promise of the request path (issue 2): a browser GET parsed, answered with a
// minimal head and reset allocates nothing once the connection's buffers are warm. BenchmarkDotNet shows
// the same figure (docs/parser-benchmark.md); this test keeps it from regressing in CI.
using System.Buffers;
using Skein.Testing;

namespace Skein.Http.Tests;

public sealed class AllocationTests
{
    [Fact]
    public void Browser_GET_cycle_allocates_nothing_once_warm()
    {
        var get = HttpCases.Bytes(HttpCases.BrowserGet);
        var pipelined = get.Concat(get).Concat(get).ToArray();
        var output = new ArrayBufferWriter<byte>(4096);
        var headers = new ResponseHeaders();
        using var http = new Http1Connection(HttpLimits.Default);

        void Cycle(byte[] bytes)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
            while (!reader.End)
            {
                // Plain checks: xunit's Assert.Equal allocates a comparer, which would be counted.
                if (http.TryReadRequestHead(ref reader) != ParseStatus.Complete
                    || http.TryReadBody(ref reader, out _) != BodyReadStatus.End)
                {
                    throw new InvalidOperationException("request did not complete");
                }
                output.ResetWrittenCount();
                http.WriteResponseHead(output, 200, headers, 0);
                http.ResetForNextRequest();
            }
        }

        Cycle(get);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Cycle(pipelined);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
