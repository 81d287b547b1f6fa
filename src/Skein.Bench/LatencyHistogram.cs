// LatencyHistogram: a log-linear histogram of non-negative integer values (nanoseconds here), after Gil
// Tene's HdrHistogram, written from its published design because no package for it is available here.
// It is a recorder and a percentile calculator; it is not thread-safe (each load thread owns one and they
// are merged at the end) and it does not know what unit its values are in.
using System.Numerics;

namespace Skein.Bench;

/// <summary>
/// Records non-negative integers with a fixed number of significant decimal digits of precision over a
/// range of 1 to <see cref="HighestTrackableValue"/>, in constant memory and O(1) per value.
/// </summary>
/// <remarks>
/// Layout (HdrHistogram's): values are grouped into buckets, each twice as wide as the one before; each
/// bucket is split into <c>subBucketCount / 2</c> equal sub-buckets (the first bucket has all of them).
/// With 3 significant digits the sub-bucket count is 2048, so any recorded value is known to within
/// 1/1024 of itself (about 0.1%): the value reported for a percentile is the highest value equivalent to
/// the true one, never lower than it and never more than 0.1% above it.
/// </remarks>
public sealed class LatencyHistogram
{
    /// <summary>Default precision: 3 significant digits, HdrHistogram's usual setting and wrk2's.</summary>
    public const int DefaultSignificantDigits = 3;

    /// <summary>Default ceiling: one hour in nanoseconds; anything slower is clamped to it.</summary>
    public const long DefaultHighestTrackableValue = 3_600_000_000_000;

    private readonly int _subBucketHalfCountMagnitude;
    private readonly int _subBucketHalfCount;
    private readonly long _subBucketMask;
    private readonly int _leadingZeroCountBase;
    private readonly long[] _counts;

    /// <summary>Creates an empty histogram.</summary>
    /// <param name="highestTrackableValue">Largest value recorded exactly; larger values are clamped to it.</param>
    /// <param name="significantDigits">Decimal digits of precision, 1 to 5.</param>
    public LatencyHistogram(long highestTrackableValue = DefaultHighestTrackableValue, int significantDigits = DefaultSignificantDigits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(significantDigits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(significantDigits, 5);
        ArgumentOutOfRangeException.ThrowIfLessThan(highestTrackableValue, 2);

        HighestTrackableValue = highestTrackableValue;
        SignificantDigits = significantDigits;

        // The smallest power of two able to hold 2 * 10^digits distinct values: a value v in a bucket is
        // then resolved to within 1 / (subBucketCount / 2) <= 10^-digits of itself.
        long largestValueWithSingleUnitResolution = 2 * (long)Math.Pow(10, significantDigits);
        int subBucketCountMagnitude = (int)Math.Ceiling(Math.Log2(largestValueWithSingleUnitResolution));
        _subBucketHalfCountMagnitude = subBucketCountMagnitude - 1;
        int subBucketCount = 1 << subBucketCountMagnitude;
        _subBucketHalfCount = subBucketCount / 2;
        _subBucketMask = subBucketCount - 1;
        _leadingZeroCountBase = 64 - _subBucketHalfCountMagnitude - 1;

        int bucketCount = 1;
        long smallestUntrackable = subBucketCount;
        while (smallestUntrackable <= highestTrackableValue)
        {
            if (smallestUntrackable > long.MaxValue / 2)
            {
                bucketCount++;
                break;
            }
            smallestUntrackable <<= 1;
            bucketCount++;
        }
        _counts = new long[(bucketCount + 1) * _subBucketHalfCount];
    }

    /// <summary>Largest value recorded without clamping.</summary>
    public long HighestTrackableValue { get; }

    /// <summary>Decimal digits of precision.</summary>
    public int SignificantDigits { get; }

    /// <summary>Number of values recorded.</summary>
    public long TotalCount { get; private set; }

    /// <summary>Smallest value recorded (exact), or 0 when empty.</summary>
    public long Min { get; private set; } = long.MaxValue;

    /// <summary>Largest value recorded (exact, after clamping), or 0 when empty.</summary>
    public long Max { get; private set; }

    /// <summary>Number of values that exceeded <see cref="HighestTrackableValue"/> and were clamped.</summary>
    public long ClampedCount { get; private set; }

    private double _sum;
    private double _sumOfSquares;

    /// <summary>Records one value; negative values count as 0, values above the ceiling are clamped.</summary>
    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }
        else if (value > HighestTrackableValue)
        {
            value = HighestTrackableValue;
            ClampedCount++;
        }
        _counts[IndexOf(value)]++;
        TotalCount++;
        if (value < Min)
        {
            Min = value;
        }
        if (value > Max)
        {
            Max = value;
        }
        _sum += value;
        _sumOfSquares += (double)value * value;
    }

    /// <summary>Adds every value of <paramref name="other"/> (same precision and ceiling) to this one.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._counts.Length != _counts.Length || other.SignificantDigits != SignificantDigits)
        {
            throw new ArgumentException("Histograms differ in precision or range.", nameof(other));
        }
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
        if (other.TotalCount > 0)
        {
            Min = Math.Min(Min, other.Min);
            Max = Math.Max(Max, other.Max);
        }
        TotalCount += other.TotalCount;
        ClampedCount += other.ClampedCount;
        _sum += other._sum;
        _sumOfSquares += other._sumOfSquares;
    }

    /// <summary>Arithmetic mean of the recorded values (exact, not bucketed), or 0 when empty.</summary>
    public double Mean => TotalCount == 0 ? 0 : _sum / TotalCount;

    /// <summary>Population standard deviation of the recorded values, or 0 when empty.</summary>
    public double StandardDeviation
    {
        get
        {
            if (TotalCount == 0)
            {
                return 0;
            }
            double mean = Mean;
            return Math.Sqrt(Math.Max(0, (_sumOfSquares / TotalCount) - (mean * mean)));
        }
    }

    /// <summary>
    /// The value at or below which <paramref name="percentile"/> percent of the recorded values fall: the
    /// highest value equivalent (within the precision) to the value of rank ceil(p/100 * count).
    /// 100 gives <see cref="Max"/>; an empty histogram gives 0.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (TotalCount == 0)
        {
            return 0;
        }
        if (percentile >= 100)
        {
            return Max;
        }
        // Rank of the wanted value (1-based), the "nearest rank" definition: ceil(p * n).
        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * TotalCount));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                // Never report more than the exact maximum actually seen.
                return Math.Min(HighestEquivalentValue(ValueAtIndex(i)), Max);
            }
        }
        return Max;
    }

    /// <summary>Width of the range of values that record into the same slot as <paramref name="value"/>.</summary>
    public long SizeOfEquivalentRange(long value)
    {
        int bucket = BucketIndex(value);
        int subBucket = SubBucketIndex(value, bucket);
        int adjustedBucket = subBucket >= _subBucketHalfCount * 2 ? bucket + 1 : bucket;
        return 1L << adjustedBucket;
    }

    /// <summary>The largest value that records into the same slot as <paramref name="value"/>.</summary>
    public long HighestEquivalentValue(long value) => LowestEquivalentValue(value) + SizeOfEquivalentRange(value) - 1;

    /// <summary>The smallest value that records into the same slot as <paramref name="value"/>.</summary>
    public long LowestEquivalentValue(long value)
    {
        int bucket = BucketIndex(value);
        int subBucket = SubBucketIndex(value, bucket);
        return (long)subBucket << bucket;
    }

    /// <summary>Clears every count.</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        TotalCount = 0;
        ClampedCount = 0;
        Min = long.MaxValue;
        Max = 0;
        _sum = 0;
        _sumOfSquares = 0;
    }

    // The bucket is found from the position of the highest set bit: values below subBucketCount land in
    // bucket 0, and each further doubling moves one bucket up.
    private int BucketIndex(long value) =>
        _leadingZeroCountBase - BitOperations.LeadingZeroCount((ulong)(value | _subBucketMask));

    private static int SubBucketIndex(long value, int bucketIndex) => (int)(value >> bucketIndex);

    private int IndexOf(long value)
    {
        int bucket = BucketIndex(value);
        int subBucket = SubBucketIndex(value, bucket);
        // Bucket 0 uses all its sub-buckets; later buckets only their upper half (the lower half would
        // duplicate the previous bucket), hence the offset by half a bucket.
        return ((bucket + 1) << _subBucketHalfCountMagnitude) + (subBucket - _subBucketHalfCount);
    }

    private long ValueAtIndex(int index)
    {
        int bucket = (index >> _subBucketHalfCountMagnitude) - 1;
        int subBucket = (index & (_subBucketHalfCount - 1)) + _subBucketHalfCount;
        if (bucket < 0)
        {
            subBucket -= _subBucketHalfCount;
            bucket = 0;
        }
        return (long)subBucket << bucket;
    }
}
