// The protocol limits, each with its default and where the default comes from. Not timeouts: the server owns the clock.
namespace Skein.Http;

/// <summary>
/// Every limit the protocol core enforces, with its default and where the default comes from.
/// The core only counts bytes and fields; timeouts live with the server, which owns the clock.
/// </summary>
public sealed record HttpLimits
{
    /// <summary>Longest request line (method, target, version and CRLF). 8 KiB, like nginx's
    /// <c>large_client_header_buffers 4 8k</c> and Kestrel's <c>MaxRequestLineSize</c> (8,192).</summary>
    public int MaxRequestLineBytes { get; init; } = 8 * 1024;

    /// <summary>Longest request target. A longer one is 414. 8 KiB (the request-line limit less the
    /// method and version), as nginx answers 414 when the line does not fit its 8 KiB buffer.</summary>
    public int MaxRequestTargetBytes { get; init; } = 8 * 1024 - 16;

    /// <summary>Largest header section (all field lines and the blank line). 32 KiB, like Kestrel's
    /// <c>MaxRequestHeadersTotalSize</c>.</summary>
    public int MaxHeaderBytes { get; init; } = 32 * 1024;

    /// <summary>Most header fields. 100, like Kestrel's <c>MaxRequestHeaderCount</c>.</summary>
    public int MaxHeaderCount { get; init; } = 100;

    /// <summary>Largest request body (Content-Length or the sum of chunk sizes). 30,000,000 bytes, like
    /// Kestrel's <c>MaxRequestBodySize</c> (nginx's <c>client_max_body_size</c> is a stricter 1 MiB).</summary>
    public long MaxBodyBytes { get; init; } = 30_000_000;

    /// <summary>Longest chunk-size line including extensions, and largest trailer section. 4 KiB,
    /// close to Kestrel's 1 KiB extension limit and generous for real clients.</summary>
    public int MaxChunkLineBytes { get; init; } = 4 * 1024;

    /// <summary>The defaults above.</summary>
    public static HttpLimits Default { get; } = new();

    /// <summary>The shortest request line <see cref="Validate"/> accepts: room for a method, a target and the version.</summary>
    public const int MinRequestLineBytes = 32;

    /// <summary>The smallest header section <see cref="Validate"/> accepts: room for a Host field.</summary>
    public const int MinHeaderBytes = 64;

    /// <summary>The shortest chunk-size line <see cref="Validate"/> accepts: a 64-bit size in hex and CRLF.</summary>
    public const int MinChunkLineBytes = 16;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first limit that is not positive.</summary>
    public HttpLimits Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestLineBytes, MinRequestLineBytes, nameof(MaxRequestLineBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestTargetBytes, 1, nameof(MaxRequestTargetBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHeaderBytes, MinHeaderBytes, nameof(MaxHeaderBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHeaderCount, 1, nameof(MaxHeaderCount));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxBodyBytes, nameof(MaxBodyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChunkLineBytes, MinChunkLineBytes, nameof(MaxChunkLineBytes));
        return this;
    }
}
