// The real `skein` program as a child process, for tests that must see what a user sees: the first log
// line, the exit code, signals, worker processes. It finds the build output of src/Skein.Cli, starts
// `skein serve ...` on port 0, reads the real port from the first log line, and always stops the child
// by its PID. It does not parse anything else the program prints; tests read Output themselves.
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Skein.Testing;

/// <summary>A running <c>skein</c> child process.</summary>
public sealed partial class SkeinProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();

    private SkeinProcess(Process process) => _process = process;

    /// <summary>The child's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Everything the child wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The port from the first log line (<c>address=http://127.0.0.1:PORT</c>).</summary>
    public int Port => _port.Task.IsCompletedSuccessfully ? _port.Task.Result : throw new InvalidOperationException("Not listening yet.");

    /// <summary>True once the child exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The path of skein.dll from the Skein.Cli build output of the same configuration as the tests.</summary>
    public static string SkeinDll
    {
        get
        {
            // Tests run from tests/<Project>/bin/<Configuration>/<tfm>/; the program is in src/Skein.Cli/bin/<Configuration>/<tfm>/.
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = here.Name;
            var configuration = here.Parent!.Name;
            for (var dir = here; dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Skein.sln")))
                {
                    var dll = Path.Combine(dir.FullName, "src", "Skein.Cli", "bin", configuration, tfm, "skein.dll");
                    if (File.Exists(dll))
                    {
                        return dll;
                    }
                    break;
                }
            }
            var local = Path.Combine(AppContext.BaseDirectory, "skein.dll");
            return File.Exists(local) ? local : throw new FileNotFoundException("skein.dll not found; build src/Skein.Cli first.");
        }
    }

    /// <summary>Runs <c>skein</c> with <paramref name="arguments"/> to completion; returns the exit code and output.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? Deadline.Default * 2);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"skein {string.Join(' ', arguments)} did not exit in time.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts <c>skein serve</c> with <paramref name="arguments"/> (add <c>-p 0</c> yourself) and
    /// waits until it has logged its address.</summary>
    public static Task<SkeinProcess> StartServeAsync(params string[] arguments) => StartServeAsync(arguments, environment: null);

    /// <summary>Starts <c>skein serve</c> with <paramref name="arguments"/> and extra <paramref name="environment"/>
    /// variables, and waits until it has logged its address.</summary>
    public static async Task<SkeinProcess> StartServeAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var child = Start(["serve", .. arguments], environment);
        try
        {
            await child.WaitUntilListeningAsync();
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
        return child;
    }

    /// <summary>Starts <c>skein</c> with <paramref name="arguments"/>, run by <paramref name="wrapper"/> when given
    /// (a program that execs the rest of its command line, as systemd-socket-activate does: the pid stays), and
    /// returns at once; <see cref="WaitUntilListeningAsync"/> waits for the address.</summary>
    public static SkeinProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? wrapper = null)
    {
        var info = StartInfo(arguments);
        if (wrapper is { Count: > 0 })
        {
            var program = info.FileName;
            info.FileName = wrapper[0];
            var rest = info.ArgumentList.ToList();
            info.ArgumentList.Clear();
            foreach (var argument in wrapper.Skip(1).Append(program).Concat(rest))
            {
                info.ArgumentList.Add(argument);
            }
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new SkeinProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child._port.TrySetException(new InvalidOperationException("skein exited before listening:\n" + child.Output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until the child has logged its address (its first line).</summary>
    public Task WaitUntilListeningAsync() => _port.Task.WaitAsync(Deadline.Default * 2);

    /// <summary>Waits until the child's output contains <paramref name="text"/>; on timeout the exception
    /// names <paramref name="what"/> and carries the output so far, which is what explains a failure.</summary>
    public async Task WaitForOutputAsync(string text, string what, TimeSpan? timeout = null)
    {
        try
        {
            await Deadline.UntilAsync(() => Output.Contains(text, StringComparison.Ordinal), timeout ?? Deadline.Default, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nOutput of pid {Pid}{(HasExited ? " (exited)" : "")}:\n{Output}", e);
        }
    }

    /// <summary>Waits for the child to exit; returns its exit code. On timeout the exception carries the output.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"pid {Pid} did not exit within {timeout.TotalSeconds} s. Its output:\n{Output}", e);
        }
        return _process.ExitCode;
    }

    /// <summary>SIGUSR1 (Linux's number), which PosixSignal has no name for.</summary>
    public const PosixSignal SIGUSR1 = (PosixSignal)10;

    /// <summary>Sends <paramref name="signal"/> (e.g. SIGTERM, SIGHUP, <see cref="SIGUSR1"/>) to the child.</summary>
    public void Signal(PosixSignal signal)
    {
        var number = signal switch
        {
            PosixSignal.SIGHUP => 1,
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGQUIT => 3,
            PosixSignal.SIGTERM => 15,
            > 0 => (int)signal, // a raw number, as PosixSignalRegistration takes them: (PosixSignal)10 is SIGUSR1
            _ => throw new ArgumentOutOfRangeException(nameof(signal)),
        };
        if (Kill(_process.Id, number) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {number}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Stops the child: SIGTERM, then SIGKILL of its whole tree if it does not exit promptly.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                Kill(_process.Id, 15);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(SkeinDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return info;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            _output.AppendLine(line);
        }
        if (!_port.Task.IsCompleted && AddressPattern().Match(line) is { Success: true } match)
        {
            _port.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"address=http://\S*:(\d+)")]
    private static partial Regex AddressPattern();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
