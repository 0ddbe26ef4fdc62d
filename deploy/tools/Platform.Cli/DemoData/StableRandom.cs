using System.Security.Cryptography;
using System.Text;

namespace Platform.Cli.DemoData;

/// <summary>Seeds and identifiers derived from the seed that stay the same across processes and machines.</summary>
internal static class StableRandom
{
    /// <summary>
    /// A SplitMix64 mix of the seed, a division code and a salt: one independent <see cref="Random"/> per county and purpose, so
    /// a county's data is the same whatever else is generated with it (the smaller scales stay exact subsets).
    /// </summary>
    public static int DeriveSeed(int seed, string code, ulong salt)
    {
        var z = unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ulong.Parse(code, System.Globalization.CultureInfo.InvariantCulture) ^ (salt * 0xD1B54A32D192ED03UL));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    public static Random For(int seed, string code, ulong salt) => new(DeriveSeed(seed, code, salt));

    /// <summary>FNV-1a over the UTF-16 code units: unlike <see cref="string.GetHashCode()"/>, the same in every process.</summary>
    public static uint GetHashCodeStable(this string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return hash;
    }

    /// <summary>A version 8 (RFC 9562, custom) UUID from the SHA-256 of a text: the same text always gives the same id.</summary>
    public static Guid Guid(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>An index drawn with the given weights (which need not add up to 1).</summary>
    public static int Weighted(this Random random, params ReadOnlySpan<double> weights)
    {
        var total = 0.0;
        foreach (var weight in weights)
        {
            total += weight;
        }

        var draw = random.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            draw -= weights[i];
            if (draw < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>A day uniformly drawn between two days, both included.</summary>
    public static DateOnly Day(this Random random, DateOnly from, DateOnly to) => DateOnly.FromDayNumber(random.Next(from.DayNumber, to.DayNumber + 1));

    public static bool Chance(this Random random, double probability) => random.NextDouble() < probability;
}
