using System.Numerics;

namespace Platform.Benchmarks;

/// <summary>
/// Fixed-size log-linear histogram of latencies in nanoseconds (HdrHistogram's layout): exact below 1,024 ns, then 512
/// buckets per power of two, so any recorded value is off by at most 0.2%. Allocated once, never grows; one per worker,
/// merged after a round, so recording takes no lock.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 1024;
    private const int Half = SubBuckets / 2;
    private const int MaxShift = 40; // up to 2^50 ns, about 13 days

    private readonly long[] counts = new long[SubBuckets + (MaxShift * Half)];

    public long Count { get; private set; }

    public void Record(long nanoseconds)
    {
        counts[Index(Math.Max(nanoseconds, 0))]++;
        Count++;
    }

    public void Reset()
    {
        Array.Clear(counts);
        Count = 0;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] += other.counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The value below which <paramref name="percentile"/> % of the recorded values fall (bucket midpoint), in ns.</summary>
    public double ValueAt(double percentile)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(percentile / 100 * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                var (low, high) = Bounds(i);
                return (low + high) / 2.0;
            }
        }

        return double.NaN;
    }

    private static int Index(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = Math.Min(msb - 9, MaxShift);
        var sub = Math.Min(value >> shift, SubBuckets - 1);
        return SubBuckets + ((shift - 1) * Half) + (int)(sub - Half);
    }

    private static (long Low, long High) Bounds(int index)
    {
        if (index < SubBuckets)
        {
            return (index, index);
        }

        var shift = ((index - SubBuckets) / Half) + 1;
        long sub = ((index - SubBuckets) % Half) + Half;
        return (sub << shift, ((sub + 1) << shift) - 1);
    }
}
