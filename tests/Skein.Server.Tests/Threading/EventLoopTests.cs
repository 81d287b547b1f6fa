// The event loop's bookkeeping of spawned work, tested on the loop itself: a stopped loop keeps running while
// a piece of its work still waits (a parked connection), resumes that work on its own thread, and exits once
// the work completes, whether it succeeds or throws; and what is left for the end of a turn runs after the
// turn's other work (a connection's close(2) after the answers released with it), before the loop waits again.
using Microsoft.Extensions.Logging.Abstractions;
using Skein.Server.Threading;
using Skein.Testing;

namespace Skein.Server.Tests.Threading;

public sealed class EventLoopTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_stopped_loop_runs_until_its_waiting_work_completes(bool workThrows)
    {
        using var loop = new EventLoop(0, NullLogger.Instance);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resumedOnLoop = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Spawn(async () =>
        {
            parked.SetResult();
            await release.Task;
            resumedOnLoop.SetResult(loop.InLoop);
            if (workThrows)
            {
                throw new InvalidOperationException("work failed after its wait");
            }
        });
        await parked.Task.WaitAsync(Deadline.Default);
        loop.Stop();
        Assert.False(loop.Join(TimeSpan.Zero)); // the work still waits: the loop cannot have exited
        release.SetResult(); // from this thread: the work's continuation is posted to its loop
        Assert.True(await resumedOnLoop.Task.WaitAsync(Deadline.Default));
        Assert.True(loop.Join(Deadline.Default), "the loop exits once its work completed");
    }

    [Fact]
    public async Task Work_left_for_the_end_of_a_turn_runs_after_the_turns_posted_work()
    {
        using var loop = new EventLoop(0, NullLogger.Instance);
        var order = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Posted from the loop itself, both run in its next turn (work posted from elsewhere may take two).
        loop.Post(_ =>
        {
            loop.Post(_ =>
            {
                order.Add("first");
                loop.AtEndOfTurn(_ =>
                {
                    order.Add("end of turn");
                    loop.AtEndOfTurn(_ =>
                    {
                        order.Add("left by the end of the turn");
                        done.SetResult();
                    }, null);
                }, null);
            }, null);
            loop.Post(_ => order.Add("second"), null);
        }, null);
        await done.Task.WaitAsync(Deadline.Default);
        Assert.Equal(["first", "second", "end of turn", "left by the end of the turn"], order);
    }
}
