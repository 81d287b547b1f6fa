// The CPU-bound work of /cpu: counting primes by trial division, deliberately naive so that it costs the same
// few tens of milliseconds on every request. Not a fast prime sieve, on purpose.
namespace Skein.App.Endpoints;

/// <summary>Counts primes by trial division over odd divisors, as the seed projects' /cpu does.</summary>
public static class PrimeCounter
{
    /// <summary>The number of primes in 1..<paramref name="limit"/> (78,498 for 1,000,000).</summary>
    public static int CountPrimes(int limit)
    {
        if (limit < 2)
        {
            return 0;
        }
        var count = 1; // 2
        for (var n = 3; n <= limit; n += 2)
        {
            if (IsOddPrime(n))
            {
                count++;
            }
        }
        return count;
    }

    private static bool IsOddPrime(int n)
    {
        for (var divisor = 3; divisor * divisor <= n; divisor += 2)
        {
            if (n % divisor == 0)
            {
                return false;
            }
        }
        return true;
    }
}
