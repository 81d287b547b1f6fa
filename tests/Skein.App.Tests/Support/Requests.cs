// Builds HttpRequests the way the server does: raw bytes parsed by the core's Http1Connection, the body read
// through the core's body decoder. And reads any ResponseBody back into bytes. Test plumbing, no assertions
// about the application.
using System.Buffers;
using System.Text;
using Skein.Http;
using Skein.Http.Application;

namespace Skein.App.Tests.Support;

public static class Requests
{
    /// <summary>Parses <paramref name="raw"/> (a whole request, Latin-1) into a request whose body stream
    /// decodes the bytes after the head (Content-Length or chunked).</summary>
    public static HttpRequest Parse(string raw) => Parse(Encoding.Latin1.GetBytes(raw));

    public static HttpRequest Parse(byte[] raw)
    {
        var connection = new Http1Connection(HttpLimits.Default);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(raw));
        if (connection.TryReadRequestHead(ref reader) != ParseStatus.Complete)
        {
            throw new ArgumentException("The request head is incomplete.", nameof(raw));
        }
        var rest = raw.AsMemory((int)reader.Consumed);
        return new HttpRequest(connection.Head, new DecodedBodyStream(connection, rest));
    }

    /// <summary>A GET of <paramref name="target"/> with extra header lines.</summary>
    public static HttpRequest Get(string target, params string[] headers) => Make("GET", target, headers);

    public static HttpRequest Make(string method, string target, params string[] headers)
    {
        var text = new StringBuilder();
        text.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: test\r\n");
        foreach (var header in headers)
        {
            text.Append(header).Append("\r\n");
        }
        text.Append("\r\n");
        return Parse(text.ToString());
    }

    /// <summary>The bytes a client would receive as the body (ignoring HEAD, which the server handles).</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpResponse response)
    {
        switch (response.Body)
        {
            case BytesBody bytes:
                return bytes.Content.ToArray();
            case FileBody file:
            {
                await using var stream = File.OpenRead(file.Path);
                stream.Position = file.Offset;
                var content = new byte[file.Length ?? 0];
                await stream.ReadExactlyAsync(content);
                return content;
            }
            case StreamBody stream:
            {
                await using var source = stream.Stream;
                using var copy = new MemoryStream();
                await source.CopyToAsync(copy);
                return copy.ToArray();
            }
            case StreamingBody streaming:
            {
                using var copy = new MemoryStream();
                await streaming.WriteAsync(copy, CancellationToken.None);
                return copy.ToArray();
            }
            default:
                throw new NotSupportedException(response.Body.GetType().Name);
        }
    }

    public static async Task<string> ReadTextAsync(HttpResponse response) => Encoding.UTF8.GetString(await ReadBodyAsync(response));

    /// <summary>A read-only stream over the body bytes of a parsed request, decoded by the core.</summary>
    private sealed class DecodedBodyStream(Http1Connection connection, ReadOnlyMemory<byte> input) : Stream
    {
        private ReadOnlySequence<byte> _input = new(input);
        private ReadOnlySequence<byte> _pending;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            if (connection.Head.BodyFraming == BodyFraming.None || destination.IsEmpty)
            {
                return 0;
            }
            if (_pending.IsEmpty)
            {
                var reader = new SequenceReader<byte>(_input);
                var status = connection.TryReadBody(ref reader, out var data);
                _input = _input.Slice(reader.Position);
                switch (status)
                {
                    case BodyReadStatus.End:
                        return 0;
                    case BodyReadStatus.NeedMoreData:
                        throw new EndOfStreamException("The test request's body is incomplete.");
                    default:
                        _pending = data;
                        break;
                }
            }
            var take = (int)Math.Min(_pending.Length, destination.Length);
            _pending.Slice(0, take).CopyTo(destination);
            _pending = _pending.Slice(take);
            return take;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
