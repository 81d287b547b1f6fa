// Polls a condition until it holds or a deadline passes (STYLE.md §9: no sleeps as synchronization).
namespace Skein.App.Tests.Support;

public static class Deadline
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var end = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException("The condition did not hold before the deadline.");
            }
            await Task.Yield();
        }
    }
}
