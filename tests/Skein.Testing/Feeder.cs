// Test driver for the sans-I/O core: plays the part of a server's connection loop over byte arrays. It
// keeps unconsumed input as a (possibly multi-segment) sequence, feeds it in the pieces a test chooses,
// and records what the core made of each request. It asserts nothing about requests itself; it throws
// InvalidOperationException when the core breaks its calling contract (bytes left unconsumed by an
// incomplete head, an empty Data slice, more calls than the bytes fed can justify: the bound on steps that
// turns a would-be hang into a failure). Shared by the core's tests and the fuzz targets.
using System.Buffers;
using System.Text;
using Skein.Http;

namespace Skein.Testing;

/// <summary>What the core produced for one request, as plain values.</summary>
public sealed record ParsedRequest(
    string Method, string Target, string Path, string? Query, string Host, bool Http11, string Body,
    bool KeepAlive, bool ExpectContinue, BodyFraming Framing, string Headers)
{
    public static ParsedRequest From(RequestHead head, string body)
    {
        var headers = new StringBuilder();
        for (var i = 0; i < head.HeaderCount; i++)
        {
            headers.Append(Encoding.Latin1.GetString(head.GetHeaderName(i))).Append(": ")
                .Append(Encoding.Latin1.GetString(head.GetHeaderValue(i))).Append('\n');
        }
        return new(
            Skein.Http.Application.MethodNames.Of(head.Method),
            Encoding.Latin1.GetString(head.Target),
            Encoding.Latin1.GetString(head.Path),
            head.HasQuery ? Encoding.Latin1.GetString(head.Query) : null,
            Encoding.Latin1.GetString(head.Host),
            head.Version == ProtocolVersion.Http11,
            body,
            head.KeepAliveRequested,
            head.ExpectContinue,
            head.BodyFraming,
            headers.ToString());
    }
}

/// <summary>Feeds byte pieces to one <see cref="Http1Connection"/> the way a connection loop would.</summary>
public sealed class Feeder : IDisposable
{
    // Unconsumed input; consuming slices the first piece rather than copying it, so a long stream of small
    // pipelined requests costs linear time.
    private readonly List<ReadOnlyMemory<byte>> _pending = [];
    private long _steps;
    private long _stepBudget = 16;
    private readonly StringBuilder _body = new();
    private bool _inBody;

    public Feeder(HttpLimits? limits = null, TimeProvider? time = null)
    {
        Connection = new Http1Connection(limits ?? HttpLimits.Default, time);
    }

    public Http1Connection Connection { get; }

    /// <summary>Requests completed so far (head and body).</summary>
    public List<ParsedRequest> Requests { get; } = [];

    /// <summary>Every response written, concatenated (Latin-1).</summary>
    public ArrayBufferWriter<byte> Output { get; } = new();

    /// <summary>Status of every TryReadRequestHead call, in order.</summary>
    public List<ParseStatus> HeadStatuses { get; } = [];

    /// <summary>When false, stops after the first complete request (to inspect what is left unconsumed).</summary>
    public bool AnswerAndContinue { get; init; } = true;

    /// <summary>Bytes given to the feeder and not consumed by the core.</summary>
    public byte[] Unconsumed => [.. _pending.SelectMany(p => p.ToArray())];

    /// <summary>Feeds <paramref name="piece"/> and runs the core as far as it goes.</summary>
    public void Feed(ReadOnlySpan<byte> piece)
    {
        if (!piece.IsEmpty)
        {
            _pending.Add(piece.ToArray());
        }
        // Every call into the core either consumes a byte, completes a request (which consumed bytes) or
        // returns for more input: a few calls per byte and per piece are all any input can need.
        _stepBudget += (4L * piece.Length) + 4;
        Pump();
    }

    /// <summary>Feeds <paramref name="bytes"/> split at <paramref name="cuts"/> (sorted offsets).</summary>
    public void FeedSplit(byte[] bytes, IEnumerable<int> cuts)
    {
        var start = 0;
        foreach (var cut in cuts)
        {
            Feed(bytes.AsSpan(start, cut - start));
            start = cut;
        }
        Feed(bytes.AsSpan(start));
    }

    public void FeedByteByByte(byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            Feed(bytes.AsSpan(i, 1));
        }
    }

    /// <summary>The client closed its side: tells the core, unless a response already closed the connection.
    /// Throws <see cref="Skein.Http.HttpProtocolException"/> when that leaves a request unfinished.</summary>
    public void EndInput()
    {
        if (!_stoppedByClose)
        {
            Connection.OnInputEnded();
        }
    }

    // A closed connection reads nothing more; a non-answering feeder stops after its first request.
    private bool Stopped => _stoppedByClose || (!AnswerAndContinue && Requests.Count > 0);

    private void Pump()
    {
        while (!Stopped)
        {
            var sequence = Segments.Create(_pending);
            var reader = new SequenceReader<byte>(sequence);
            var progressed = _inBody ? PumpBody(ref reader) : PumpHead(ref reader);
            Consume(reader.Consumed);
            if (!progressed)
            {
                return;
            }
        }
    }

    private bool PumpHead(ref SequenceReader<byte> reader)
    {
        if (reader.End)
        {
            return false;
        }
        Step();
        var status = Connection.TryReadRequestHead(ref reader);
        HeadStatuses.Add(status);
        if (status == ParseStatus.NeedMoreData)
        {
            // The contract: everything offered to an incomplete head is consumed.
            if (!reader.End)
            {
                throw new InvalidOperationException("NeedMoreData left bytes unconsumed");
            }
            return false;
        }
        _inBody = true;
        _body.Clear();
        return true;
    }

    private bool PumpBody(ref SequenceReader<byte> reader)
    {
        while (true)
        {
            Step();
            switch (Connection.TryReadBody(ref reader, out var data))
            {
                case BodyReadStatus.Data:
                    if (data.IsEmpty)
                    {
                        throw new InvalidOperationException("Data with an empty slice");
                    }
                    _body.Append(Encoding.Latin1.GetString(data.ToArray()));
                    continue;
                case BodyReadStatus.NeedMoreData:
                    return false;
                default:
                    FinishRequest();
                    return true;
            }
        }
    }

    private void FinishRequest()
    {
        _inBody = false;
        Requests.Add(ParsedRequest.From(Connection.Head, _body.ToString()));
        if (!AnswerAndContinue)
        {
            return;
        }
        Connection.WriteResponseHead(Output, 200, new ResponseHeaders(), 0);
        if (Connection.KeepAlive)
        {
            Connection.ResetForNextRequest();
        }
        else
        {
            _pending.Clear();
            _stoppedByClose = true;
        }
    }

    private bool _stoppedByClose;

    private void Step()
    {
        if (++_steps > _stepBudget)
        {
            throw new InvalidOperationException($"The core made {_steps} calls for the input fed so far: no progress.");
        }
    }

    /// <summary>True once a response closed the connection.</summary>
    public bool Closed => _stoppedByClose;

    private void Consume(long count)
    {
        while (count > 0 && _pending.Count > 0)
        {
            if (_pending[0].Length <= count)
            {
                count -= _pending[0].Length;
                _pending.RemoveAt(0);
            }
            else
            {
                _pending[0] = _pending[0][(int)count..];
                count = 0;
            }
        }
    }

    public void Dispose() => Connection.Dispose();

    /// <summary>Builds multi-segment sequences, so the core sees input split across buffers.</summary>
    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(ReadOnlyMemory<byte> bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Create(List<ReadOnlyMemory<byte>> pieces)
        {
            if (pieces.Count == 0)
            {
                return ReadOnlySequence<byte>.Empty;
            }
            var first = new Segments(pieces[0], 0);
            var last = first;
            for (var i = 1; i < pieces.Count; i++)
            {
                var next = new Segments(pieces[i], last.RunningIndex + last.Memory.Length);
                last.Next = next;
                last = next;
            }
            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
