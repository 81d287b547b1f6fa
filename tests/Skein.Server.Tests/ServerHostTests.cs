// The start-up line's account of what runs: a process model shows its standby processes beside its
// workers, so `workers=2` with three worker processes in `ps` is explained in the line itself.
using Skein.Server.Models;

namespace Skein.Server.Tests;

public sealed class ServerHostTests
{
    [Theory]
    [InlineData(ConcurrencyModel.Single, null, "1", 0, "one thread serves one connection at a time")]
    [InlineData(ConcurrencyModel.Thread, null, "per-connection", 0, "a new thread for each connection")]
    [InlineData(ConcurrencyModel.ThreadPool, 5, "5", 0, "5 pool threads fed by a queue of 511")]
    [InlineData(ConcurrencyModel.Async, 1, "1", 0, "1 event loop in this process")]
    [InlineData(ConcurrencyModel.Process, 4, "per-connection", 4, "a new process for each connection, 4 spare processes started ahead")]
    [InlineData(ConcurrencyModel.ProcessPool, 2, "2", 1, "2 worker processes and 1 warm standby that takes over a worker that dies")]
    [InlineData(ConcurrencyModel.Hybrid, 5, "5", 1, "5 worker processes with an event loop each, and 1 warm standby that takes over a worker that dies")]
    [InlineData(ConcurrencyModel.Hybrid, 1, "1", 1, "1 worker process with an event loop that accepts by itself, and 1 warm standby that takes over if it dies")]
    public void The_start_up_line_says_what_runs_standby_processes_included(ConcurrencyModel model, int? workers, string shown, int standby, string words)
    {
        var (workersShown, standbyShown, said) = ServerHost.WhatRuns(new ServerOptions { Model = model, Workers = workers });
        Assert.Equal(shown, workersShown);
        Assert.Equal(standby, standbyShown);
        Assert.Equal(words, said);
    }
}
