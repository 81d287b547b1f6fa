// The application's clock on an event loop (LoopTimeProvider): a Task.Delay started on a loop fires on that loop
// and its code resumes there; cancelled from another thread, it still ends on the loop; off every loop the
// clock's timers are the system's.
using Microsoft.Extensions.Logging.Abstractions;
using Skein.Server.Threading;
using Skein.Testing;

namespace Skein.Server.Tests.Threading;

public sealed class LoopTimeProviderTests
{
    [Fact]
    public async Task A_delay_started_on_an_event_loop_resumes_on_that_loop()
    {
        using var loop = new EventLoop(0, NullLogger.Instance);
        var resumedOnLoop = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Spawn(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), LoopTimeProvider.Instance);
            resumedOnLoop.SetResult(loop.InLoop);
        });
        Assert.True(await resumedOnLoop.Task.WaitAsync(Deadline.Default));
    }

    [Fact]
    public async Task A_delay_cancelled_from_another_thread_ends_on_its_loop()
    {
        using var loop = new EventLoop(0, NullLogger.Instance);
        using var cancel = new CancellationTokenSource();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelledOnLoop = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Spawn(async () =>
        {
            var delay = Task.Delay(TimeSpan.FromHours(1), LoopTimeProvider.Instance, cancel.Token);
            waiting.SetResult();
            try
            {
                await delay;
                cancelledOnLoop.SetResult(false);
            }
            catch (OperationCanceledException)
            {
                cancelledOnLoop.SetResult(loop.InLoop);
            }
        });
        await waiting.Task.WaitAsync(Deadline.Default);
        await cancel.CancelAsync(); // on this thread: the loop's timer is disposed through a post to its loop
        Assert.True(await cancelledOnLoop.Task.WaitAsync(Deadline.Default));
    }

    [Fact]
    public async Task Off_every_loop_its_timers_are_the_systems()
    {
        var fired = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = LoopTimeProvider.Instance.CreateTimer(_ => fired.TrySetResult(EventLoop.Current is null), null,
            TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
        Assert.True(await fired.Task.WaitAsync(Deadline.Default));
    }
}
