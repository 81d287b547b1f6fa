// The memory the process models share, within one test process: the counter is the sum of the workers'
// slots, a slot returned by the master (its worker exited) leaves the total, and a publish reaches a watcher.

using Skein.Server.Processes;

namespace Skein.Server.Tests.Processes;

public sealed class SharedSignalTests
{
    [Fact]
    public void The_count_is_every_worker_s_slot_and_a_dead_worker_s_share_leaves_it()
    {
        using var shared = SharedSignal.Create();
        var first = shared.RentSlot();
        var second = shared.RentSlot();
        shared.Add(first, 3);
        shared.Add(second, 2);
        shared.Add(second, -1);
        Assert.Equal(4, shared.Count);

        shared.ReturnSlot(first); // its worker was killed with three waiters parked

        Assert.Equal(1, shared.Count);
        var reused = shared.RentSlot();
        Assert.Equal(first, reused);
        shared.Add(reused, 1);
        Assert.Equal(2, shared.Count);
    }

    [Fact]
    public async Task A_publish_reaches_the_watcher_with_its_value()
    {
        using var shared = SharedSignal.Create();
        var published = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        shared.Watch(value => published.TrySetResult(value));

        shared.Publish(42);

        Assert.Equal(42, await published.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
