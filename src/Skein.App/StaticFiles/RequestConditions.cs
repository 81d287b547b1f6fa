// The request fields the static-file handler reads (preconditions, Range, Accept-Encoding), found in one
// pass over the head instead of one scan per name. A view over the head's spans; it evaluates nothing.
using System.Text;
using Skein.Http;

namespace Skein.App.StaticFiles;

/// <summary>Spans of the conditional, range and negotiation fields of one request (the first of each).</summary>
internal ref struct RequestConditions
{
    public ReadOnlySpan<byte> IfMatch;
    public ReadOnlySpan<byte> IfNoneMatch;
    public ReadOnlySpan<byte> IfModifiedSince;
    public ReadOnlySpan<byte> IfUnmodifiedSince;
    public ReadOnlySpan<byte> IfRange;
    public ReadOnlySpan<byte> Range;
    public ReadOnlySpan<byte> AcceptEncoding;
    public bool HasIfMatch;
    public bool HasIfNoneMatch;
    public bool HasIfModifiedSince;
    public bool HasIfUnmodifiedSince;
    public bool HasIfRange;
    public bool HasRange;
    public bool HasAcceptEncoding;

    public static RequestConditions Read(RequestHead head)
    {
        var conditions = new RequestConditions();
        for (var i = 0; i < head.HeaderCount; i++)
        {
            var name = head.GetHeaderName(i);
            // Dispatch on length first: most fields of a browser request (Host, User-Agent, Accept, Cookie...)
            // are rejected by one integer compare.
            switch (name.Length)
            {
                case 5 when !conditions.HasRange && Ascii.EqualsIgnoreCase(name, "Range"u8):
                    conditions.Range = head.GetHeaderValue(i);
                    conditions.HasRange = true;
                    break;
                case 8 when !conditions.HasIfMatch && Ascii.EqualsIgnoreCase(name, "If-Match"u8):
                    conditions.IfMatch = head.GetHeaderValue(i);
                    conditions.HasIfMatch = true;
                    break;
                case 8 when !conditions.HasIfRange && Ascii.EqualsIgnoreCase(name, "If-Range"u8):
                    conditions.IfRange = head.GetHeaderValue(i);
                    conditions.HasIfRange = true;
                    break;
                case 13 when !conditions.HasIfNoneMatch && Ascii.EqualsIgnoreCase(name, "If-None-Match"u8):
                    conditions.IfNoneMatch = head.GetHeaderValue(i);
                    conditions.HasIfNoneMatch = true;
                    break;
                case 15 when !conditions.HasAcceptEncoding && Ascii.EqualsIgnoreCase(name, "Accept-Encoding"u8):
                    conditions.AcceptEncoding = head.GetHeaderValue(i);
                    conditions.HasAcceptEncoding = true;
                    break;
                case 17 when !conditions.HasIfModifiedSince && Ascii.EqualsIgnoreCase(name, "If-Modified-Since"u8):
                    conditions.IfModifiedSince = head.GetHeaderValue(i);
                    conditions.HasIfModifiedSince = true;
                    break;
                case 19 when !conditions.HasIfUnmodifiedSince && Ascii.EqualsIgnoreCase(name, "If-Unmodified-Since"u8):
                    conditions.IfUnmodifiedSince = head.GetHeaderValue(i);
                    conditions.HasIfUnmodifiedSince = true;
                    break;
                default:
                    break;
            }
        }
        return conditions;
    }
}
