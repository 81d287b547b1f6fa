// One satisfiable byte range of a representation, already resolved against its length.
// A value type only; parsing the Range field lives in RangeHeader.cs.
namespace Skein.Http.Semantics;

/// <summary>Bytes <see cref="Start"/> through <see cref="Start"/> + <see cref="Length"/> − 1 of a
/// representation of <see cref="CompleteLength"/> bytes (RFC 9110 §14.1.2).</summary>
public readonly record struct ByteRange(long Start, long Length, long CompleteLength)
{
    /// <summary>The last byte's offset (inclusive), as Content-Range writes it.</summary>
    public long End => Start + Length - 1;

    /// <summary>The Content-Range field value for a 206: <c>bytes 0-99/1000</c> (RFC 9110 §14.4).</summary>
    public string ToContentRange() => $"bytes {Start}-{End}/{CompleteLength}";

    /// <summary>The Content-Range field value for a 416: <c>bytes */1000</c> (RFC 9110 §15.5.17).</summary>
    public static string Unsatisfied(long completeLength) => $"bytes */{completeLength}";
}
