#!/usr/bin/env python3
"""Scale-out behind HAProxy, and what each way of taking an instance away costs.

Three `skein serve` instances, each in a network namespace of its own (made here, joined to this one by a
veth pair) or, where namespaces cannot be made, each on its own loopback address; HAProxy in front of them
with deploy/haproxy/haproxy.cfg (round-robin, /healthz checks, PROXY protocol v2). `skein bench` drives
keep-alive load through HAProxy in three phases, and in the middle of each one instance is taken away:

  drain   SIGTERM to skein1: it stops accepting, /healthz says 503, in-flight requests finish; restarted after
  reload  SIGHUP to skein2 after its configuration file changed (the process models start a new generation)
  kill    SIGKILL to skein3, master and workers: whatever it had in flight is lost

and the script prints, per phase, the requests sent and lost (lost = sent without a 2xx response: read,
write and timeout errors and non-2xx statuses; refused connections are retried by HAProxy). One command,
as root (namespaces), from the repository:

  python3 benchmarks/scaleout/scaleout.py [--skein PROGRAM] [-m MODEL] [-w N] [-c N] [--phase SECONDS]

Load goes to 127.0.0.1 only, bounded by -c and --phase. Everything started is stopped by pid, and the
namespaces are removed, however the script ends. Standard library only.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
HAPROXY_CFG = os.path.join(REPO, "deploy", "haproxy", "haproxy.cfg")
ADDRESS = re.compile(r"address=http://\S*:(\d+)")
SERVER_PORT = 8080


def find_skein(explicit):
    """The program to run as `skein`: --skein, $SKEIN, `skein` on PATH, or the Release build of this tree."""
    if explicit:
        return shlex.split(explicit)
    if os.environ.get("SKEIN"):
        return shlex.split(os.environ["SKEIN"])
    if shutil.which("skein"):
        return [shutil.which("skein")]
    dll = os.path.join(REPO, "src", "Skein.Cli", "bin", "Release", "net10.0", "skein.dll")
    if os.path.exists(dll):
        return ["dotnet", dll]
    sys.exit("scaleout: no skein (install it with scripts/install.sh, build with `dotnet build -c Release`, or pass --skein)")


def run(*command):
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class Network:
    """Where the three instances live: a namespace each (10.201.N.2, HAProxy's side 10.201.N.1) or, where
    namespaces cannot be made, loopback addresses 127.0.0.1N. `prefix(i)` runs a command inside instance i's."""

    def __init__(self, loopback_only):
        self.tag = f"sk{os.getpid() % 100000}"
        self.namespaces = []
        self.kind = "loopback"
        if not loopback_only:
            try:
                for i in (1, 2, 3):
                    self._add_namespace(i)
                self.kind = "namespaces"
            except (subprocess.CalledProcessError, FileNotFoundError) as e:
                detail = e.stderr.decode().strip() if getattr(e, "stderr", None) else str(e)
                print(f"scaleout: no network namespaces ({detail}); using loopback addresses", file=sys.stderr)
                self.close()
                self.namespaces = []

    def _add_namespace(self, i):
        name = f"{self.tag}-{i}"
        run("ip", "netns", "add", name)
        self.namespaces.append(name)
        host, inner = f"{self.tag}h{i}", f"{self.tag}n{i}"
        run("ip", "link", "add", host, "type", "veth", "peer", "name", inner)
        run("ip", "link", "set", inner, "netns", name)
        run("ip", "addr", "add", f"10.201.{i}.1/24", "dev", host)
        run("ip", "link", "set", host, "up")
        run("ip", "netns", "exec", name, "ip", "addr", "add", f"10.201.{i}.2/24", "dev", inner)
        run("ip", "netns", "exec", name, "ip", "link", "set", inner, "up")
        run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")

    def address(self, i):
        return f"10.201.{i}.2" if self.kind == "namespaces" else f"127.0.0.{10 + i}"

    def proxy_from(self, i):
        """Where HAProxy's connections to instance i come from (Skein refuses PROXY headers from elsewhere)."""
        return f"10.201.{i}.1/32" if self.kind == "namespaces" else "127.0.0.0/8"

    def prefix(self, i):
        return ["ip", "netns", "exec", self.namespaces[i - 1]] if self.kind == "namespaces" else []

    def close(self):
        for name in self.namespaces:  # removing a namespace removes its end of the veth pair, and so the pair
            subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL)


class Process:
    """A started program whose output lines are kept (and echoed to a log file)."""

    def __init__(self, name, command, log, env=None):
        self.name = name
        self.lines = []
        self._cond = threading.Condition()
        self._log = log
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=env, start_new_session=True)
        self.pid = self.proc.pid
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            self._log.write(f"{self.name}[{self.pid}] {line}\n")
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()

    def wait_for(self, pattern, timeout, start=0):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines[start:]:
                    if re.search(pattern, line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name}: no line matching {pattern!r}; last lines:\n  "
                                       + "\n  ".join(self.lines[-15:]))
                self._cond.wait(left)

    def signal(self, sig):
        os.kill(self.pid, sig)

    def stop(self, grace=15):
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.proc.wait()
        try:
            os.killpg(self.pid, signal.SIGKILL)  # worker processes left behind (its own session, by its pid)
        except ProcessLookupError:
            pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_states(stats):
    """HAProxy's view of each server: {'skein1': 'UP', ...}, from the stats socket's CSV."""
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(stats)
        s.sendall(b"show stat\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    states = {}
    for row in data.decode().splitlines():
        fields = row.split(",")
        if len(fields) > 17 and fields[0] == "skein" and fields[1].startswith("skein"):
            states[fields[1]] = fields[17]
    return states


def wait_until_up(stats, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # HAProxy checks every 500 ms: poll its view at that pace
        states = server_states(stats)
        if len(states) == 3 and all(state == "UP" for state in states.values()):
            return
        time.sleep(0.25)
    raise RuntimeError(f"HAProxy does not see all three instances up: {server_states(stats)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skein", help="program to run as skein (default: $SKEIN, skein on PATH, this tree's build)")
    parser.add_argument("-m", "--model", default="hybrid", help="concurrency model of the instances")
    parser.add_argument("-w", "--workers", type=int, default=2, help="workers per instance")
    parser.add_argument("-c", "--connections", type=int, default=30, help="keep-alive connections to HAProxy")
    parser.add_argument("--phase", type=float, default=8.0, help="seconds of load per phase (the event comes at a third)")
    parser.add_argument("--loopback", action="store_true", help="loopback addresses even where namespaces work")
    parser.add_argument("--no-proxy-protocol", action="store_true",
                        help="plain connections to the instances (HAProxy's config without send-proxy-v2)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    skein = find_skein(args.skein)
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(haproxy):
        sys.exit("scaleout: HAProxy is needed (Debian: apt-get install haproxy)")
    work = tempfile.mkdtemp(prefix="skein-scaleout-")
    log = open(os.path.join(work, "output.log"), "w", buffering=1)
    site = os.path.join(work, "site")
    os.mkdir(site)
    with open(os.path.join(site, "index.html"), "w") as f:
        f.write("<!doctype html><title>scale-out</title><p>" + "Skein behind HAProxy. " * 40 + "\n")

    config = HAPROXY_CFG
    if args.no_proxy_protocol:
        config = os.path.join(work, "haproxy.cfg")
        with open(HAPROXY_CFG) as f, open(config, "w") as out:
            out.write(f.read().replace(" send-proxy-v2 check-send-proxy", ""))
    network = Network(args.loopback)
    instances = {}
    started = []

    def start_instance(i):
        settings = os.path.join(work, f"skein{i}.json")
        if not os.path.exists(settings):
            with open(settings, "w") as f:
                json.dump({"keepalive-timeout": "5s", "shutdown-timeout": "10s"}, f)
        command = network.prefix(i) + skein + [
            "serve", "-m", args.model, "-w", str(args.workers), "--host", network.address(i), "-p", str(SERVER_PORT),
            "-f", site, "--config", settings]
        if not args.no_proxy_protocol:
            command += ["--proxy-protocol", "--proxy-from", network.proxy_from(i)]
        instance = Process(f"skein{i}", command, log)
        started.append(instance)
        instance.wait_for(ADDRESS.pattern, 120)
        instances[i] = instance
        return instance

    try:
        for i in (1, 2, 3):
            start_instance(i)
        front = f"127.0.0.1:{free_port()}"
        stats = os.path.join(work, "haproxy.sock")
        env = dict(os.environ, FRONTEND=front, HAPROXY_STATS=stats,
                   **{f"SKEIN{i}": f"{network.address(i)}:{SERVER_PORT}" for i in (1, 2, 3)})
        proxy = Process("haproxy", [haproxy, "-db", "-f", config], log, env=env)
        started.append(proxy)
        deadline = time.monotonic() + 30
        while not os.path.exists(stats) and time.monotonic() < deadline and proxy.proc.poll() is None:
            time.sleep(0.1)
        wait_until_up(stats)
        print(f"scaleout: {args.model} -w {args.workers} x 3 in {network.kind}, HAProxy on {front}; "
              f"bench -c {args.connections} for {args.phase:g} s per phase; logs in {work}", flush=True)

        phases = [("drain", 1, signal.SIGTERM), ("reload", 2, signal.SIGHUP), ("kill", 3, signal.SIGKILL)]
        results = []
        for name, i, sig in phases:
            wait_until_up(stats)
            bench = subprocess.Popen(skein + ["bench", f"http://{front}/", "-c", str(args.connections), "-t", "2",
                                              "-d", f"{args.phase:g}s", "--timeout", "5s", "--json"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            time.sleep(args.phase / 3)  # orchestration, not synchronization: the event lands mid-load
            instance = instances[i]
            mark = len(instance.lines)
            if sig == signal.SIGHUP:
                with open(os.path.join(work, f"skein{i}.json"), "w") as f:
                    json.dump({"keepalive-timeout": "6s", "shutdown-timeout": "10s"}, f)
            fired = time.monotonic()
            if sig == signal.SIGKILL:
                os.killpg(instance.pid, sig)  # the whole instance, master and workers (as the OOM killer or a crash would)
            else:
                instance.signal(sig)
            outcome = ""
            if sig == signal.SIGHUP:
                line = instance.wait_for(r"Reload \(", 60, mark)
                outcome = line[line.find("Reload"):][:100]
            else:
                code = instance.proc.wait(60)
                outcome = f"exit {code} after {time.monotonic() - fired:.1f} s"
            out, _ = bench.communicate(timeout=args.phase + 60)
            result = json.loads(out)
            errors = result["errors"]
            lost = errors["read"] + errors["write"] + errors["timeout"] + errors["non_2xx"]
            sent = result["requests"] + errors["read"] + errors["write"] + errors["timeout"]
            results.append({"phase": name, "event": f"{signal.Signals(sig).name} to skein{i}" + (" (all)" if sig == signal.SIGKILL else ""), "outcome": outcome,
                            "sent": sent, "lost": lost, "errors": errors,
                            "requests_per_second": result["requests_per_second"],
                            "p99_ms": result["latency_ms"]["p99"]})
            if sig == signal.SIGTERM:
                start_instance(i)  # back in the pool for the next phase

        print(f"{'phase':<8}{'event':<26}{'sent':>9}{'lost':>7}{'req/s':>10}{'p99 ms':>9}  instance")
        for r in results:
            print(f"{r['phase']:<8}{r['event']:<26}{r['sent']:>9}{r['lost']:>7}{r['requests_per_second']:>10.0f}"
                  f"{r['p99_ms']:>9.1f}  {r['outcome']}")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"model": args.model, "workers": args.workers, "network": network.kind,
                           "connections": args.connections, "phase_s": args.phase, "phases": results}, f, indent=2)
        return 0
    finally:
        for process in reversed(started):
            process.stop()
        network.close()
        log.close()


if __name__ == "__main__":
    sys.exit(main())
