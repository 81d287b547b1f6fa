// Tests of starting `skein worker` processes from this test host: the launcher finds the skein build
// output, the child inherits its channel, takes its settings from the start message, reports ready, and
// exits on Stop or when the master's end closes.

using Microsoft.Extensions.Logging.Abstractions;
using Skein.App;
using Skein.Cli.Workers;
using Skein.Server.Models;
using Skein.Server.Processes;
using Xunit.Abstractions;

namespace Skein.Server.Tests.Processes;

public sealed class WorkerProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // A per-connection worker (it reports ready, then waits for a connection) serving the system's temp folder.
    private static WorkerLaunch Launch => WorkerPrograms.For(new ServerOptions { Model = ConcurrencyModel.Process }, new SiteOptions { Root = Path.GetTempPath() });

    [Fact]
    public async Task Worker_reports_ready_and_exits_on_stop()
    {
        using var shared = SharedSignal.Create();
        using var worker = WorkerProcess.Start(Launch, NullLogger.Instance);
        try
        {
            Assert.True(WorkerStart.Send(worker, Launch.Settings, shared, shared.RentSlot()));
            Assert.True(await worker.Ready.WaitAsync(Deadline));
            output.WriteLine($"worker {worker.Pid} ready after {worker.StartupTime!.Value.TotalMilliseconds:F0} ms");
            Assert.True(worker.RequestStop());
            await worker.Exited.WaitAsync(Deadline);
            Assert.Equal(0, worker.ExitCode);
        }
        finally
        {
            worker.Kill();
        }
    }

    [Fact]
    public async Task Worker_exits_when_the_master_end_of_its_channel_closes()
    {
        using var shared = SharedSignal.Create();
        var worker = WorkerProcess.Start(Launch, NullLogger.Instance);
        try
        {
            Assert.True(WorkerStart.Send(worker, Launch.Settings, shared, shared.RentSlot()));
            Assert.True(await worker.Ready.WaitAsync(Deadline));
            worker.Channel.Dispose(); // what the kernel does to the master's descriptors when it dies
            await worker.Exited.WaitAsync(Deadline);
        }
        finally
        {
            worker.Kill();
            worker.Dispose();
        }
    }
}
