// Content-coding negotiation from Accept-Encoding (RFC 9110 §12.5.3) with q-values (§12.4.2).
// It picks among the codings the caller can produce; it does not know which media types are worth compressing.
namespace Skein.Http.Semantics;

/// <summary>A content coding Skein can send.</summary>
public enum ContentCoding : byte
{
    /// <summary>No coding.</summary>
    Identity,
    /// <summary>gzip (RFC 9110 §8.4.1.3).</summary>
    Gzip,
    /// <summary>br, Brotli (RFC 7932).</summary>
    Brotli,
}

/// <summary>A set of codings the server could produce for a response.</summary>
[Flags]
public enum ContentCodings : byte
{
    /// <summary>Identity only.</summary>
    None = 0,
    /// <summary>gzip is available.</summary>
    Gzip = 1,
    /// <summary>br is available.</summary>
    Brotli = 2,
    /// <summary>Both.</summary>
    All = Gzip | Brotli,
}

/// <summary>Chooses a content coding from an Accept-Encoding field value.</summary>
public static class AcceptEncoding
{
    /// <summary>The best coding in <paramref name="available"/> for the Accept-Encoding value
    /// <paramref name="fieldValue"/>: the highest q-value wins, Brotli before gzip on a tie (it is smaller),
    /// and identity when it is weighted higher than every available coding or nothing else is acceptable.
    /// <c>*</c> stands for every coding not named; <c>x-gzip</c> is gzip (§8.4.1.3); q=0 means "not
    /// acceptable". When the request has no Accept-Encoding field at all, do not call this: send identity,
    /// as nginx and Kestrel do, although §12.5.3 would allow any coding.</summary>
    public static ContentCoding Negotiate(ReadOnlySpan<byte> fieldValue, ContentCodings available)
    {
        // Weights in thousandths; -1 = not mentioned.
        int gzip = -1, brotli = -1, identity = -1, star = -1;
        foreach (var range in fieldValue.Split((byte)','))
        {
            var element = fieldValue[range].Trim(" \t"u8);
            if (element.IsEmpty)
            {
                continue;
            }
            var semicolon = element.IndexOf((byte)';');
            var name = (semicolon < 0 ? element : element[..semicolon]).TrimEnd(" \t"u8);
            var weight = 1000;
            if (semicolon >= 0 && !TryParseWeight(element[(semicolon + 1)..], out weight))
            {
                continue;
            }
            if (System.Text.Ascii.EqualsIgnoreCase(name, "gzip"u8) || System.Text.Ascii.EqualsIgnoreCase(name, "x-gzip"u8))
            {
                gzip = Math.Max(gzip, weight);
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "br"u8))
            {
                brotli = Math.Max(brotli, weight);
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "identity"u8))
            {
                identity = Math.Max(identity, weight);
            }
            else if (name.SequenceEqual("*"u8))
            {
                star = Math.Max(star, weight);
            }
        }
        if (gzip < 0)
        {
            gzip = star;
        }
        if (brotli < 0)
        {
            brotli = star;
        }
        // Identity is acceptable unless excluded explicitly or by "*;q=0" (§12.5.3); its default weight is
        // below any coding the client named, so a plain "gzip" still wins.
        if (identity < 0)
        {
            identity = star == 0 ? 0 : 1;
        }
        var best = ContentCoding.Identity;
        var bestWeight = 0;
        if ((available & ContentCodings.Brotli) != 0 && brotli > bestWeight)
        {
            best = ContentCoding.Brotli;
            bestWeight = brotli;
        }
        if ((available & ContentCodings.Gzip) != 0 && gzip > bestWeight)
        {
            best = ContentCoding.Gzip;
            bestWeight = gzip;
        }
        return identity > bestWeight ? ContentCoding.Identity : best;
    }

    /// <summary>Parses the parameters after a coding: <c>q=0.5</c> (weight = OWS ";" OWS "q=" qvalue,
    /// §12.4.2) into thousandths. Other parameters are ignored; a malformed q-value fails.</summary>
    public static bool TryParseWeight(ReadOnlySpan<byte> parameters, out int weight)
    {
        weight = 1000;
        foreach (var range in parameters.Split((byte)';'))
        {
            var parameter = parameters[range].Trim(" \t"u8);
            if (parameter.Length < 2 || (parameter[0] | 0x20) != 'q' || parameter[1] != '=')
            {
                continue;
            }
            return TryParseQValue(parameter[2..], out weight);
        }
        return true;
    }

    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    private static bool TryParseQValue(ReadOnlySpan<byte> text, out int weight)
    {
        weight = 0;
        if (text.IsEmpty || text.Length > 5 || (text[0] != '0' && text[0] != '1'))
        {
            return false;
        }
        var whole = text[0] - '0';
        var fraction = 0;
        var digits = 0;
        if (text.Length > 1)
        {
            if (text[1] != '.')
            {
                return false;
            }
            foreach (var b in text[2..])
            {
                if (b is < (byte)'0' or > (byte)'9')
                {
                    return false;
                }
                fraction = fraction * 10 + (b - '0');
                digits++;
            }
        }
        for (; digits < 3; digits++)
        {
            fraction *= 10;
        }
        weight = whole * 1000 + fraction;
        return weight <= 1000;
    }
}
