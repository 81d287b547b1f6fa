#!/usr/bin/env python3
"""Worker start-up cost of the process models: spawn -> ready (wall and CPU) and idle RSS per worker.

Runs `skein serve -m process -w 1 -v` and takes N fresh workers one after another: each sample is the spare
the master has just started, read the moment its "worker PID ready after X ms" line appears (spawned, settings
received, first request answerable): wall = the master's own Process.Start -> Ready message time; CPU = the
worker's threads' CPU time so far (/proc/PID/task/*/schedstat, ns: the worker is idle once ready); RSS = its
VmRSS. Then one keep-alive GET / takes that spare (the master starts the next) and, once its response is in,
the same worker's CPU is read again: start-up plus a first request, so that work a worker defers until it
serves (the socket engine, the access log's buffer, the logger) is counted too. CPU and RSS hardly depend on
the machine's load; the wall time does (quote it from a quiet machine).

    benchmarks/processes/spawn.py [--skein 'PROGRAM'] [-n 30] [-f www]
"""
import argparse
import re
import statistics
import sys

from skeinrun import Skein, cpu_ns, percentile, request_kept, rss_kib

READY = re.compile(r"worker (\d+) ready after (\d+) ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skein", default="skein", help="the program, e.g. 'skein' or 'dotnet src/Skein.Cli/bin/Release/net10.0/skein.dll'")
    parser.add_argument("-n", type=int, default=30, help="workers to sample (default 30)")
    parser.add_argument("-f", default="www", help="folder to serve")
    args = parser.parse_args()

    walls, cpus, rsss, firsts = [], [], [], []
    with Skein(args.skein, ["-m", "process", "-w", "1", "-v", "-f", args.f]) as skein:
        seen = 0
        for i in range(args.n + 1):
            match = skein.wait_for(READY, 120, seen)
            seen = next(k for k in range(seen, len(skein.lines)) if READY.search(skein.lines[k])) + 1
            pid, wall = int(match.group(1)), int(match.group(2))
            try:
                cpu, rss = cpu_ns(pid) / 1e6, rss_kib(pid) / 1024
                if rss == 0:
                    raise OSError("exited")
            except OSError:
                # A process started for a request that another spare took first, stopped as surplus: no sample.
                cpu = None
            try:
                status, connection = request_kept(skein.port)
            except OSError:
                # A failed request is a finding, not noise: leave the server's side of it for whoever reads this.
                print(f"request {i} failed; the server's last log lines:", *skein.lines[-30:], sep="\n", file=sys.stderr)
                raise
            with connection:
                assert status == 200, status
                try:
                    first = cpu_ns(pid) / 1e6 if cpu is not None else None
                except OSError:
                    first = None
            if i > 0 and cpu is not None:  # the first worker starts with the master, on cold caches
                walls.append(wall)
                cpus.append(cpu)
                rsss.append(rss)
                if first is not None:
                    firsts.append(first)

    def row(name, values, unit):
        print(f"{name:<28} median {statistics.median(values):7.1f} {unit}   p90 {percentile(values, 90):7.1f}   min {min(values):7.1f}   max {max(values):7.1f}")

    print(f"{len(walls)} workers of `{args.skein} serve -m process -w 1`")
    row("spawn -> ready, wall", walls, "ms ")
    row("spawn -> ready, CPU", cpus, "ms ")
    row("  + first GET /, CPU", firsts, "ms ")
    row("idle worker RSS", rsss, "MiB")


if __name__ == "__main__":
    main()
