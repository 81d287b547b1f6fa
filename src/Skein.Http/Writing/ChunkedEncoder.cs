// The chunked transfer coding for response bodies of unknown length (RFC 9112 §7.1): one chunk per write,
// and the last chunk with an empty trailer section. It only frames; the caller decides when to flush.
using System.Buffers;

namespace Skein.Http.Writing;

internal static class ChunkedEncoder
{
    /// <summary>Writes <c>size CRLF data CRLF</c>; nothing for empty data (a zero size would end the body).</summary>
    public static void WriteChunk(IBufferWriter<byte> output, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }
        var writer = new OutputWriter(output);
        writer.WriteHex(data.Length);
        writer.Write("\r\n"u8);
        writer.Write(data);
        writer.Write("\r\n"u8);
        writer.Commit();
    }

    /// <summary>Writes <c>0 CRLF CRLF</c>: the last chunk and no trailers.</summary>
    public static void WriteFinalChunk(IBufferWriter<byte> output)
    {
        var writer = new OutputWriter(output);
        writer.Write("0\r\n\r\n"u8);
        writer.Commit();
    }
}
