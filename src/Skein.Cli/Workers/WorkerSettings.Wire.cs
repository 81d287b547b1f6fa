// The byte encoding of the settings message: the values of the field tables (WorkerSettings.Fields.cs) in
// table order, little-endian, after a magic number and the version. Master and worker are the same build (the
// version says so), so the tables say what each value is; nothing is named on the wire. Not JSON: a worker
// process decodes its settings on every start, and System.Text.Json's reader set up its search tables for
// that (a twentieth of a native worker's start-up, docs/processes.md). Nothing else lives here.

using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Skein.Cli.Workers;

public sealed partial record WorkerSettings
{
    // "SKWS": what a worker reads first, so bytes that are not settings at all are told from another version.
    private const uint Magic = 0x53574B53;

    // Appends values to a growing buffer.
    private sealed class Writer
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
            _buffer.Advance(4);
        }

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
            _buffer.Advance(4);
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
            _buffer.Advance(8);
        }

        public void Double(double value) => Int64(BitConverter.DoubleToInt64Bits(value));

        public void Flag(bool value)
        {
            _buffer.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
            _buffer.Advance(1);
        }

        // Length in bytes (-1: null), then UTF-8.
        public void Text(string? value)
        {
            if (value is null)
            {
                Int32(-1);
                return;
            }
            var length = Encoding.UTF8.GetByteCount(value);
            Int32(length);
            _buffer.Advance(Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length)));
        }
    }

    // Reads values in the order they were written; anything short or out of range is FormatException.
    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        public readonly bool AtEnd => _rest.IsEmpty;

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public double Double() => BitConverter.Int64BitsToDouble(Int64());

        public bool Flag() => Take(1)[0] switch
        {
            0 => false,
            1 => true,
            var other => throw new FormatException($"a flag is 0 or 1, not {other}"),
        };

        public string? Text()
        {
            var length = Int32();
            return length == -1 ? null : Encoding.UTF8.GetString(Take(length));
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > _rest.Length)
            {
                throw new FormatException("the settings end too soon");
            }
            var taken = _rest[..count];
            _rest = _rest[count..];
            return taken;
        }
    }
}
