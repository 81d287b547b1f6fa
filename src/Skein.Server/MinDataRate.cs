// The minimum rate at which a client must send a request body or take a response, with a grace period
// (Kestrel's MinDataRate): the rule that drops a client trickling a body or never reading its response.
// Pure arithmetic on byte counts and durations; the request body stream and the transports apply it to
// their waits, with the server's clock. It does not measure anything itself.
namespace Skein.Server;

/// <summary>
/// At least <see cref="BytesPerSecond"/>, measured over the time spent waiting for the client, once
/// <see cref="GracePeriod"/> has passed: moving <c>n</c> bytes may take <see cref="TimeAllowed"/>(n).
/// </summary>
/// <param name="BytesPerSecond">The slowest rate tolerated.</param>
/// <param name="GracePeriod">Time allowed whatever the count, so small transfers and slow starts pass.</param>
public readonly record struct MinDataRate(double BytesPerSecond, TimeSpan GracePeriod)
{
    /// <summary>240 bytes/s after a 5 s grace period: Kestrel's default for request bodies and responses
    /// alike (<c>KestrelServerLimits.MinRequestBodyDataRate</c>, <c>MinResponseDataRate</c>).</summary>
    public static MinDataRate Default { get; } = new(240, TimeSpan.FromSeconds(5));

    /// <summary>How long moving <paramref name="bytes"/> may take at this rate: the grace period, or longer
    /// when the bytes need it.</summary>
    public TimeSpan TimeAllowed(long bytes)
    {
        var needed = TimeSpan.FromSeconds(bytes / BytesPerSecond);
        return needed > GracePeriod ? needed : GracePeriod;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="name"/> unless the
    /// rate is positive and finite and the grace period not negative.</summary>
    public void Validate(string name)
    {
        if (!double.IsFinite(BytesPerSecond) || BytesPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(name, BytesPerSecond, "the rate must be a positive number of bytes per second");
        }
        if (GracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, GracePeriod, "the grace period must not be negative");
        }
    }
}
