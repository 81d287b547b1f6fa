// The request-body half of Http1Connection: one small framing per kind (none, Content-Length, chunked;
// RFC 9112 §6.3). Body bytes are never copied: they are handed out as slices of the caller's input.
using System.Buffers;
using Skein.Http.Parsing;

namespace Skein.Http;

public sealed partial class Http1Connection
{
    private long _bodyRemaining;
    private ChunkedDecoder _chunked;

    /// <summary>Reads the next piece of the body. <paramref name="data"/> is a slice of the input, valid
    /// until the caller releases that input; the reader is advanced past it (and past chunk framing).</summary>
    /// <remarks>Returns <see cref="BodyReadStatus.Data"/> with a non-empty slice, <see cref="BodyReadStatus.NeedMoreData"/>
    /// when <paramref name="input"/> is exhausted first (feed only new bytes next time), or
    /// <see cref="BodyReadStatus.End"/> once the body is complete, and End again on every later call until
    /// <see cref="ResetForNextRequest"/>. Never consumes bytes past the body, so pipelined requests stay in
    /// the input. Throws <see cref="HttpProtocolException"/> for bad chunk framing or a body over
    /// <see cref="HttpLimits.MaxBodyBytes"/>, and <see cref="InvalidOperationException"/> before a head is complete.</remarks>
    public BodyReadStatus TryReadBody(ref SequenceReader<byte> input, out ReadOnlySequence<byte> data)
    {
        data = default;
        switch (_state)
        {
            case RequestState.Complete:
                return BodyReadStatus.End;
            case RequestState.Body:
                break;
            default:
                throw new InvalidOperationException("No request head has been read.");
        }

        if (Head.BodyFraming == BodyFraming.ContentLength)
        {
            if (input.End)
            {
                return BodyReadStatus.NeedMoreData;
            }
            var take = Math.Min(_bodyRemaining, input.Remaining);
            data = input.Sequence.Slice(input.Position, take);
            input.Advance(take);
            _bodyRemaining -= take;
            if (_bodyRemaining == 0)
            {
                _state = RequestState.Complete;
            }
            return BodyReadStatus.Data;
        }

        try
        {
            var status = _chunked.Read(ref input, out data, Limits);
            if (status == BodyReadStatus.End)
            {
                _state = RequestState.Complete;
            }
            return status;
        }
        catch (HttpProtocolException)
        {
            Fail();
            throw;
        }
    }

    /// <summary>The head just ended: sets up the body framing it declared.</summary>
    private void StartBody()
    {
        _chunked.Reset();
        _bodyRemaining = Head.BodyFraming == BodyFraming.ContentLength ? Head.ContentLength : 0;
        _state = Head.BodyFraming == BodyFraming.Chunked || _bodyRemaining > 0
            ? RequestState.Body
            : RequestState.Complete;
    }
}
