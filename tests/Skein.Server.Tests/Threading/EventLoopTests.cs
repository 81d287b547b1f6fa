// The event loop's bookkeeping of spawned work, tested on the loop itself: a stopped loop keeps running while
// a piece of its work still waits (a parked connection), resumes that work on its own thread, and exits once
// the work completes, whether it succeeds or throws.
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
}
