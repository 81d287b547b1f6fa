// BenchmarkDotNet measurements of the protocol core's request path: a Chrome-like GET (~600 bytes) parsed
// whole, a pipelined batch of 16 in one buffer, and the same GET trickled one byte per call. Each request
// is answered with a minimal 200 head (the connection only moves to the next request after a response),
// so the figures are the whole per-request cost of the core, and "Allocated" must be 0 B.
// It does not touch sockets; end-to-end speed is measured with wrk (docs/performance.md).
using System.Buffers;
using BenchmarkDotNet.Attributes;
using Skein.Http;
using Skein.Testing;

namespace Skein.Http.Benchmarks;

[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifecycle: the connection is disposed in [GlobalCleanup].")]
public class ParserBenchmarks
{
    private const int Batch = 16;

    private readonly ResponseHeaders _noHeaders = new();
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private Http1Connection _connection = null!;
    private byte[] _get = [];
    private byte[] _pipelined = [];

    [GlobalSetup]
    public void Setup()
    {
        _connection = new Http1Connection(HttpLimits.Default);
        _get = HttpCases.Bytes(HttpCases.BrowserGet);
        _pipelined = [.. Enumerable.Repeat(_get, Batch).SelectMany(b => b)];
        // Warm the head buffer to its working size, as the first request on a connection does.
        BrowserGet();
    }

    [GlobalCleanup]
    public void Cleanup() => _connection.Dispose();

    /// <summary>Size of the request, for throughput in bytes per second.</summary>
    public int RequestBytes => _get.Length;

    [Benchmark(Baseline = true, Description = "Browser GET, whole")]
    public int BrowserGet()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_get));
        return Serve(ref reader);
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "Browser GET, 16 pipelined")]
    public int Pipelined()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_pipelined));
        var total = 0;
        while (!reader.End)
        {
            total += Serve(ref reader);
        }
        return total;
    }

    [Benchmark(Description = "Browser GET, 1 byte per call")]
    public int Trickled()
    {
        var status = ParseStatus.NeedMoreData;
        for (var i = 0; i < _get.Length; i++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_get, i, 1));
            status = _connection.TryReadRequestHead(ref reader);
        }
        if (status != ParseStatus.Complete)
        {
            throw new InvalidOperationException("request did not complete");
        }
        return Respond();
    }

    private int Serve(ref SequenceReader<byte> reader)
    {
        if (_connection.TryReadRequestHead(ref reader) != ParseStatus.Complete
            || _connection.TryReadBody(ref reader, out _) != BodyReadStatus.End)
        {
            throw new InvalidOperationException("request did not complete");
        }
        return Respond();
    }

    private int Respond()
    {
        var pathLength = _connection.Head.Path.Length;
        _output.ResetWrittenCount();
        _connection.WriteResponseHead(_output, 200, _noHeaders, 0);
        _connection.ResetForNextRequest();
        return pathLength;
    }
}
