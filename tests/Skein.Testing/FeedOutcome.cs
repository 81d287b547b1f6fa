// What a client could observe of one byte stream fed to the core in given pieces: the requests it made of
// them, the responses it wrote and how the connection ended. Two outcomes are equal when the core behaved the
// same, which is how the property tests and the fuzz targets compare feeding whole, split and byte by byte.
using System.Text;
using Skein.Http;

namespace Skein.Testing;

/// <summary>The requests (as text), the responses written (Latin-1) and the ending: "open", "closed" (a
/// response closed the connection), "ended" (the input ended between requests) or the rejection's reason.</summary>
public sealed record FeedOutcome(string Requests, string Responses, string Ending)
{
    private static readonly DateTimeOffset Fixed = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Feeds <paramref name="stream"/> split at <paramref name="cuts"/> (sorted offsets) to a fresh
    /// connection with a fixed clock; with <paramref name="endInput"/>, then ends the input. Each completed
    /// request is passed to <paramref name="inspect"/>. Only <see cref="Skein.Http.HttpProtocolException"/> is an outcome:
    /// any other exception propagates.</summary>
    public static FeedOutcome Of(byte[] stream, IEnumerable<int> cuts, HttpLimits? limits = null, bool endInput = false,
        Action<ParsedRequest>? inspect = null)
    {
        using var feeder = new Feeder(limits, new ManualTime(Fixed));
        string ending;
        try
        {
            feeder.FeedSplit(stream, cuts);
            if (endInput && !feeder.Closed)
            {
                feeder.EndInput();
                ending = "ended";
            }
            else
            {
                ending = feeder.Closed ? "closed" : "open";
            }
        }
        catch (Skein.Http.HttpProtocolException error)
        {
            ending = error.Reason.ToString();
        }
        if (inspect is not null)
        {
            feeder.Requests.ForEach(inspect);
        }
        return new(
            string.Join("\n---\n", feeder.Requests),
            Encoding.Latin1.GetString(feeder.Output.WrittenSpan),
            ending);
    }
}
