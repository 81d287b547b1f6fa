// Waiting in tests without sleeping: await a task with a timeout, or poll a condition until a deadline.
// Not a retry framework; one place for the timeouts every test uses.
namespace Skein.Testing;

/// <summary>Timeouts and condition polling for tests.</summary>
public static class Deadline
{
    /// <summary>How long a test waits for something that should happen promptly (Kestrel's DefaultTimeout
    /// idea): generous, because other builds and tests load the machine.</summary>
    public static TimeSpan Default { get; } = TimeSpan.FromSeconds(15);

    /// <summary>Polls <paramref name="condition"/> every 10 ms until it is true; throws
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> when <paramref name="timeout"/> passes.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var end = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what}.");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>Polls an async condition.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var end = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what}.");
            }
            await Task.Delay(10);
        }
    }
}
