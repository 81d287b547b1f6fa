// LabJson: writes results.json, every raw figure of a lab run, in the shape docs/lab/results.schema.json
// documents (the schema travels inside the program and is written beside the results). Hand-written
// with Utf8JsonWriter: no reflection, so it stays trim- and AOT-safe. It writes; it computes nothing
// beyond rounding.
using System.Text.Json;
using Skein.Bench.Load;
using Skein.Bench.Reports;

namespace Skein.Bench.Lab.Report;

/// <summary>The JSON rendering of <see cref="LabResults"/>.</summary>
public static class LabJson
{
    /// <summary>Version of the results.json layout; bumped when a field changes meaning or goes away.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Writes <paramref name="results"/> and its <paramref name="conclusions"/> as one JSON object.</summary>
    public static void Write(LabResults results, IReadOnlyList<string> conclusions, Stream output)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(conclusions);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        var s = results.Settings;
        var m = results.Machine;
        json.WriteStartObject();
        json.WriteNumber("schema_version", SchemaVersion);
        json.WriteString("started", results.Started);
        json.WriteString("finished", results.Finished);
        json.WriteBoolean("completed", results.Completed);
        json.WriteNumber("rounds_completed", results.RoundsCompleted);
        json.WriteString("command_line", s.CommandLine);

        json.WriteStartObject("machine");
        json.WriteNumber("cores", m.Cores);
        json.WriteNumber("memory_bytes", m.MemoryBytes);
        json.WriteString("cpu", m.Cpu);
        json.WriteString("kernel", m.Kernel);
        json.WriteString("os", m.Os);
        json.WriteString("runtime", m.Runtime);
        Numbers(json, "load_average_start", m.LoadAverageAtStart);
        Numbers(json, "load_average_end", results.LoadAverageAtEnd);
        json.WriteEndObject();

        json.WriteStartObject("settings");
        json.WriteString("preset", s.Preset.ToString().ToLowerInvariant());
        json.WriteNumber("rounds", s.Rounds);
        json.WriteStartArray("workloads");
        foreach (var w in s.Workloads)
        {
            json.WriteStringValue(LabWorkloads.Name(w));
        }
        json.WriteEndArray();
        json.WriteNumber("warm_up_s", s.WarmUp.TotalSeconds);
        json.WriteNumber("start_timeout_s", s.StartTimeout.TotalSeconds);
        json.WriteNumber("stop_timeout_s", s.StopTimeout.TotalSeconds);
        json.WriteNumber("sample_interval_ms", s.SampleInterval.TotalMilliseconds);
        json.WriteStartArray("cells");
        foreach (var c in s.Cells)
        {
            json.WriteStartObject();
            json.WriteString("id", c.Id);
            json.WriteString("workload", LabWorkloads.Name(c.Workload));
            json.WriteString("label", c.Label);
            json.WriteString("path", c.Path);
            json.WriteNumber("clients", c.Clients);
            json.WriteNumber("duration_s", c.Duration.TotalSeconds);
            json.WriteBoolean("keep_alive", c.KeepAlive);
            JsonFields.WriteNumberOrNull(json, "rate", c.Rate);
            json.WriteNumber("cpu_clients", c.CpuClients);
            json.WriteNumber("threads", c.Threads);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("targets");
        foreach (var t in results.Targets)
        {
            WriteTarget(json, t);
        }
        json.WriteEndArray();

        json.WriteStartArray("conclusions");
        foreach (var line in conclusions)
        {
            json.WriteStringValue(line);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    /// <summary>"ok", "failed" or "skipped" for a whole server.</summary>
    public static string Status(TargetResult target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Skipped ? "skipped" : target.Failure is null ? "ok" : "failed";
    }

    private static void WriteTarget(Utf8JsonWriter json, TargetResult t)
    {
        json.WriteStartObject();
        json.WriteString("name", t.Target.Name);
        json.WriteString("kind", t.Target.Kind.ToString().ToLowerInvariant());
        JsonFields.WriteNumberOrNull(json, "workers", t.Target.Workers);
        json.WriteString("status", Status(t));
        StringOrNull(json, "reason", t.Target.SkipReason ?? t.Failure);
        json.WriteStartArray("runs");
        foreach (var r in t.Runs)
        {
            json.WriteStartObject();
            json.WriteNumber("round", r.Round);
            json.WriteNumber("pid", r.Pid);
            json.WriteNumber("start_ms", Math.Round(r.StartMs, 1));
            if (r.Stop is { } stop)
            {
                json.WriteStartObject("stop");
                JsonFields.WriteNumberOrNull(json, "exit_code", stop.ExitCode);
                json.WriteNumber("stop_ms", Math.Round(stop.Elapsed.TotalMilliseconds, 1));
                json.WriteNumber("processes_seen", stop.ProcessesSeen.Count);
                json.WriteStartArray("leftover_pids");
                foreach (var p in stop.Leftovers)
                {
                    json.WriteNumberValue(p.Pid);
                }
                json.WriteEndArray();
                json.WriteStartArray("pids_seen");
                foreach (var p in stop.ProcessesSeen.OrderBy(p => p.Pid))
                {
                    json.WriteNumberValue(p.Pid);
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("stop");
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("cells");
        foreach (var c in t.Cells)
        {
            json.WriteStartObject();
            json.WriteString("id", c.Cell.Id);
            json.WriteString("status", c.Status.ToString().ToLowerInvariant());
            StringOrNull(json, "reason", c.Reason);
            if (c.Median is { } median)
            {
                json.WritePropertyName("median");
                WriteMeasurement(json, median);
            }
            else
            {
                json.WriteNull("median");
            }
            json.WriteStartArray("rounds");
            foreach (var m in c.Rounds)
            {
                WriteMeasurement(json, m);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteMeasurement(Utf8JsonWriter json, Measurement m)
    {
        json.WriteStartObject();
        json.WriteNumber("requests", m.Requests);
        json.WriteNumber("requests_per_second", Math.Round(m.RequestsPerSecond, 2));
        json.WriteStartObject("latency_ms");
        json.WriteNumber("p50", Math.Round(m.Latency.P50, 4));
        json.WriteNumber("p90", Math.Round(m.Latency.P90, 4));
        json.WriteNumber("p99", Math.Round(m.Latency.P99, 4));
        json.WriteNumber("p99_9", Math.Round(m.Latency.P999, 4));
        json.WriteNumber("max", Math.Round(m.Latency.Max, 4));
        json.WriteEndObject();
        WriteErrors(json, m.Errors);
        json.WriteStartObject("server");
        json.WriteNumber("cpu_s", Math.Round(m.Server.CpuSeconds, 3));
        json.WriteNumber("peak_rss_bytes", m.Server.PeakRssBytes);
        json.WriteNumber("peak_threads", m.Server.PeakThreads);
        json.WriteNumber("peak_processes", m.Server.PeakProcesses);
        json.WriteEndObject();
        JsonFields.WriteNumberOrNull(json, "total_ms", Round(m.TotalMs, 2));
        JsonFields.WriteNumberOrNull(json, "ideal_ms", Round(m.IdealMs, 2));
        JsonFields.WriteNumberOrNull(json, "memory_per_client_bytes", Round(m.MemoryPerClientBytes, 0));
        JsonFields.WriteNumberOrNull(json, "cpu_requests_per_second", Round(m.CpuRequestsPerSecond, 2));
        json.WriteEndObject();
    }

    private static void WriteErrors(Utf8JsonWriter json, ErrorCounts e)
    {
        json.WriteStartObject("errors");
        json.WriteNumber("connect", e.Connect);
        json.WriteNumber("read", e.Read);
        json.WriteNumber("write", e.Write);
        json.WriteNumber("timeout", e.Timeout);
        json.WriteNumber("non_2xx", e.Non2xx);
        json.WriteNumber("total", e.Total);
        json.WriteEndObject();
    }

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private static void Numbers(Utf8JsonWriter json, string name, double[] values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            json.WriteNumberValue(v);
        }
        json.WriteEndArray();
    }

    private static void StringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
