// A lab run survives servers that misbehave: one that exits at start (a model name serve rejects) and
// one that never listens (a program that only sleeps) are recorded as failed with the reason, the next
// server is measured as usual, and nothing is left running. Ctrl-C stops the current server, writes what
// was measured and exits 130 with no process left behind.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Skein.Bench.Lab;
using Skein.Bench.Lab.Report;
using Skein.Testing;

namespace Skein.Lab.Tests;

[Collection(LabRuns.Name)]
public sealed class LabFailureTests
{
    /// <summary>How long the hung "server" sleeps: an odd figure, so the leftover check finds only it.</summary>
    private const string HungSeconds = "117.35";

    [Fact]
    public async Task A_model_that_fails_to_start_or_times_out_is_recorded_as_failed_and_the_lab_goes_on()
    {
        var skein = new SkeinExecutable("dotnet", [SkeinProcess.SkeinDll]);
        var cell = LabPlan.Cells(LabPreset.Quick, TimeSpan.FromMilliseconds(500)).First(c => c.Id == "static-keepalive-c10");
        var folder = Path.Combine(Path.GetTempPath(), "skein-lab-fail-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = new LabSettings
        {
            Skein = skein,
            Targets =
            [
                new LabTarget("no-such-model", LabTargetKind.Skein),
                new LabTarget("async", LabTargetKind.Skein),
            ],
            Cells = [cell],
            Rounds = 1,
            OutputFolder = folder,
            WarmUp = TimeSpan.Zero,
        };
        // A "server" that never reports a port: sh runs sleep and ignores the serve arguments after it.
        var hung = settings with
        {
            Skein = new SkeinExecutable("/bin/sh", ["-c", "exec sleep " + HungSeconds, "sh"]),
            Targets = [new LabTarget("hung", LabTargetKind.Skein)],
            StartTimeout = TimeSpan.FromSeconds(2),
        };
        try
        {
            var results = await LabRunner.RunAsync(settings).WaitAsync(TimeSpan.FromMinutes(2));
            var hungResults = await LabRunner.RunAsync(hung).WaitAsync(TimeSpan.FromMinutes(1));

            var failed = results.Targets[0];
            Assert.NotNull(failed.Failure);
            Assert.Contains("exited with code 2", failed.Failure, StringComparison.Ordinal);
            Assert.Equal(CellStatus.Failed, failed.Cells[0].Status);
            var ok = results.Targets[1];
            Assert.Null(ok.Failure);
            Assert.True(ok.Cells[0].Quotable, ok.Cells[0].Reason);
            Assert.All(ok.Runs, r => Assert.True(r.Stop!.Clean));

            var timedOut = hungResults.Targets[0];
            Assert.Contains("did not report a port", timedOut.Failure, StringComparison.Ordinal);
            Assert.Empty(timedOut.Runs);

            // The report still renders, with the failure in results.json.
            LabReport.Write(results);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json")));
            var first = json.RootElement.GetProperty("targets")[0];
            Assert.Equal("failed", first.GetProperty("status").GetString());
            Assert.Equal("failed", first.GetProperty("cells")[0].GetProperty("status").GetString());
            Assert.DoesNotContain(Process.GetProcessesByName("sleep"), p => CommandLine(p.Id).Contains(HungSeconds, StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Ctrl_C_stops_the_current_server_writes_what_was_measured_and_leaves_nothing_behind()
    {
        var folder = Path.Combine(Path.GetTempPath(), "skein-lab-int-" + Guid.NewGuid().ToString("N")[..8]);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { SkeinProcess.SkeinDll, "lab", "--quick", "--models", "async,process-pool", "--workloads", "static,io", "--output", folder })
        {
            info.ArgumentList.Add(a);
        }
        var output = new StringBuilder();
        var measuring = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverPids = new List<int>();
        var interrupted = false;
        Process? lab = null;
        using var started = lab = new Process { StartInfo = info };
        lab.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (output)
            {
                output.AppendLine(e.Data);
                int at = e.Data.IndexOf("(pid ", StringComparison.Ordinal);
                if (at >= 0)
                {
                    serverPids.Add(int.Parse(e.Data[(at + 5)..e.Data.IndexOf(',', at)], System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            // Interrupt the second server (a process pool: master and workers) in the middle of its cells, from
            // the line reader itself: a continuation of the test can wait for a free test thread on a loaded
            // machine for longer than the lab's remaining cells take (it once found the lab already done).
            if (e.Data.Contains("process-pool: index page", StringComparison.Ordinal) && !measuring.Task.IsCompleted)
            {
                interrupted = Kill(lab!.Id, 2) == 0; // SIGINT, as Ctrl-C sends it (to the lab only)
                measuring.TrySetResult();
            }
        };
        lab.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        lab.Start();
        lab.BeginOutputReadLine();
        lab.BeginErrorReadLine();
        try
        {
            await measuring.Task.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(interrupted, "kill(SIGINT) failed");
            using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            {
                await lab.WaitForExitAsync(cts.Token);
            }
            string said;
            lock (output)
            {
                said = output.ToString();
            }
            Assert.True(lab.ExitCode == 130, said);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json")));
            Assert.False(json.RootElement.GetProperty("completed").GetBoolean());
            Assert.True(File.Exists(Path.Combine(folder, "index.html")));
            // What was measured before Ctrl-C is there: the first server's cells.
            var first = json.RootElement.GetProperty("targets")[0];
            Assert.Equal("ok", first.GetProperty("cells")[0].GetProperty("status").GetString());
            Assert.Equal(2, serverPids.Count);
            foreach (var target in json.RootElement.GetProperty("targets").EnumerateArray())
            {
                foreach (var r in target.GetProperty("runs").EnumerateArray())
                {
                    Assert.Empty(r.GetProperty("stop").GetProperty("leftover_pids").EnumerateArray());
                    foreach (var pid in r.GetProperty("stop").GetProperty("pids_seen").EnumerateArray())
                    {
                        Assert.False(ProcessCheck.IsSkein(pid.GetInt32()), $"pid {pid} still runs:\n{said}");
                    }
                }
            }
            Assert.All(serverPids, pid => Assert.False(ProcessCheck.IsSkein(pid), $"server {pid} still runs"));
        }
        finally
        {
            if (!lab.HasExited)
            {
                lab.Kill(entireProcessTree: true);
            }
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>kill -SIGNAL PID through the system's kill(1); returns its exit code.</summary>
    private static int Kill(int pid, int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
