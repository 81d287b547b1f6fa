#!/usr/bin/env python3
"""Faults under load (issue 10): what `skein serve` loses when things go wrong while `skein bench` runs.

Usage: benchmarks/faults/faults.py [--quick] [--skein PATH] [--models M,M] [SCENARIO ...]

SCENARIO (default: all, in this order), each printed as one Markdown table (docs/reliability.md reads them):
  shutdown     SIGTERM to the server halfway through a bench (32 keep-alive connections; single and
               process-pool: 8, a new connection per request, since they serve one keep-alive connection
               until it closes and the others would starve into timeouts before any fault); lost = requests sent on an open
               connection that got no response (bench's read + write + timeout errors). Connections still in
               the kernel's listen queue (never accepted by the server) are reset when the listener closes, as
               in nginx and Go: the server says how many in its log line "Stopped accepting: N connection(s)
               still in the listen queue", read at the close itself (TCP_INFO), and the criterion is lost <= that.
               (/proc's count at the SIGTERM is shown too: it misses the connections that enter the queue
               between the SIGTERM and the close.) Refused connects after the listener closed are counted
               apart. Models: all but process.
  kill-worker  kill -9 of the busiest worker of process-pool and hybrid (-w 2) halfway through a bench
               (process-pool: 8 connections with Connection: close, since a pool worker serves one keep-alive
               connection until it closes; hybrid: 32 keep-alive): the bench's failed requests (at most the
               connections that worker held), and the time from the kill to the master's "worker N started
               (slot S)" line of the replacement and to its first answer (new connections, kept open, until
               one is answered while the replacement holds an established connection).
  kill-master  kill -9 of the master of process, process-pool and hybrid under a bench, with
               --shutdown-timeout 5s (an orphaned worker shuts down gracefully: its in-flight requests may
               finish): the time until every process it had started is gone; none may be left after 20 s.
  emfile       async and thread-pool under RLIMIT_NOFILE 256 with a bench of 400 connections (more than the
               descriptors): the server stays up, refuses the excess (503, or a connect error once its backlog
               is full), then a bench of 16 connections gets only 200s.
  slow         1,000 connections trickling a request head one byte per second while a bench sends GET / at a
               constant 200 req/s on 4 connections: the bench's p50/p99/max and its errors, per model.
               async and hybrid must answer (p99 <= 100 ms on a quiet machine); the bounded models must answer
               too, 200 or a quick 503, never leave it waiting: thread-pool refuses at once (200 workers + a
               queue of 511 < 1,000); single and each process-pool worker watch the listener while they wait
               for a trickler's bytes, queue newcomers in a line of 511 and refuse past it, and cut a trickler
               (408) once others wait (docs/reliability.md).

Everything runs on 127.0.0.1 against servers this script starts (port 0, the real port read from the first
log line), every one stopped by its PID (SIGTERM, then SIGKILL after 10 s) and every process they started
checked gone; bounded in time: about 5 minutes (6 on a loaded machine), 2 with --quick (shorter benches, fewer models). Exit code 1
when a criterion fails: a lost request at shutdown, a kill-worker failure count above the connections that
worker held, a replacement slower than 1 s, a process left behind, a server that died or did not recover.
Figures depend on load: take them on a quiet machine (check `uptime`).
"""
import argparse
import os
import re
import resource
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_SKEIN = os.path.join(ROOT, "src", "Skein.Cli", "bin", "Release", "net10.0", "skein")
ADDRESS = re.compile(r"address=http://127\.0\.0\.1:(\d+)")
RESET = re.compile(r"Stopped accepting: (\d+) connection")
SLOT = re.compile(r"^(\S+) \w+ worker (\d+) started \(slot (\d+)\)")
FAILED = 0
STARTED = []  # every process this script started: killed, with what they started, however it ends


def cleanup():
    """SIGKILL to every process this script started that still runs, and to their descendants."""
    for process in STARTED:
        if process.poll() is None:
            kill_all(descendants(process.pid))
            process.kill()
            process.wait()


def fail(message):
    global FAILED
    FAILED += 1
    print(f"FAIL: {message}", file=sys.stderr)


class Server:
    """One `skein serve` child: its log lines (stderr) collected with the time each arrived."""

    def __init__(self, skein, model, extra=(), nofile=None):
        args = [skein, "serve", "-p", "0", "-m", model, "-f", os.path.join(ROOT, "www"), *extra]
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))) if nofile else None
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                        preexec_fn=limit)
        self.pid = self.process.pid
        STARTED.append(self.process)
        self.lines = []
        self.port = None
        self._ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self._ready.wait(30) or self.port is None:
            self.stop()
            raise RuntimeError(f"skein serve -m {model} did not start:\n" + "\n".join(l for _, l in self.lines))
        self.warm()

    def _read(self):
        for line in self.process.stderr:
            self.lines.append((time.time(), line.rstrip("\n")))
            if self.port is None and (m := ADDRESS.search(line)):
                self.port = int(m.group(1))
                self._ready.set()
        self._ready.set()

    def descendants(self):
        return descendants(self.pid)

    def slots(self, after=0.0):
        """{slot: (pid, log time)} of the workers that last took each slot, from lines seen at or after `after`."""
        found = {}
        for seen, line in self.lines:
            if seen >= after and (m := SLOT.match(line)):
                found[int(m.group(3))] = (int(m.group(2)), datetime.fromisoformat(m.group(1)).timestamp())
        return found

    def warm(self, requests=3):
        """Waits until GET / is answered (the first worker started and JIT-compiled), then sends a few more."""
        deadline = time.time() + 60
        while not get_pid_answer(self.port) and time.time() < deadline:
            time.sleep(0.1)
        for _ in range(requests):
            get_pid_answer(self.port)

    def stop(self):
        """SIGTERM, then SIGKILL after 10 s; returns the exit code (None if it had to be killed)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return None
        return self.process.returncode


def descendants(pid):
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    found.append(int(child))
                    found.extend(descendants(int(child)))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def kill_all(pids):
    for pid in pids:
        if alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def bench(skein, port, seconds, connections=32, rate=None, timeout="5s", close=False, required=True):
    """Starts `skein bench`; .result() waits for it and returns its report (the JSON fields, read from its
    'key: value' lines: with --json it would not print the progress lines that say when the load runs)."""
    args = [skein, "bench", f"http://127.0.0.1:{port}/", "-c", str(connections), "-t", "1",
            "-d", f"{seconds}s", "--timeout", timeout] + (["--close"] if close else [])
    if rate:
        args += ["-R", str(rate)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    STARTED.append(process)
    progressing = threading.Event()

    def watch():
        for line in process.stderr:
            if line.startswith("progress:"):
                progressing.set()
        progressing.set()
    threading.Thread(target=watch, daemon=True).start()

    class Running:
        pid = process.pid

        @staticmethod
        def running(then=0.0):
            """Waits until the bench reports its first second of load (a .NET start can take seconds on a
            loaded machine), then `then` seconds more: a fault injected after this meets a running load."""
            progressing.wait(60)
            time.sleep(then)

        @staticmethod
        def result():
            out = process.stdout.read()
            process.wait(seconds + 60)
            try:
                return report_of(out)
            except (KeyError, ValueError):
                if required:
                    fail(f"skein bench did not run: {out.strip()[:200] or 'no report'}")
                return {"requests": 0, "errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0, "non_2xx": 0},
                        "latency_ms": {}, "failed_to_run": out.strip()[:200]}
    return Running


def report_of(out):
    """bench's 'key: value' lines (keys of nested fields joined with dots) as the JSON report's dict."""
    report = {}
    for line in out.splitlines():
        key, _, value = line.partition(": ")
        if not value:
            continue
        *path, last = key.split(".")
        node = report
        for part in path:
            node = node.setdefault(part, {})
        try:
            node[last] = int(value) if value.lstrip("-").isdigit() else float(value)
        except ValueError:
            node[last] = value
    report["errors"]["read"]  # a report without errors is not one
    return report


def get_pid_answer(port, timeout=2.0):
    """One GET / on a new connection; True when a 200 came back."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: faults\r\nConnection: close\r\n\r\n")
            return s.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def probe(port, count=20, timeout=5.0):
    """`count` GET / on new connections, one after another: ({status: n}, slowest ms); 'none' for no answer
    within `timeout` (after two of those it stops: the server is not answering new clients)."""
    statuses, slowest = {}, 0.0
    for _ in range(count):
        started = time.time()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: faults\r\nConnection: close\r\n\r\n")
                status = s.recv(16)[9:12].decode(errors="replace") or "closed"
        except OSError:
            status = "none"
        slowest = max(slowest, (time.time() - started) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
        if statuses.get("none", 0) >= 2:
            break
    return ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())), slowest


def table(title, header, rows):
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    sys.stdout.flush()


def ms(value):
    return "-" if value is None else f"{value:.1f}"


def lost(report):
    e = report["errors"]
    return e["read"] + e["write"] + e["timeout"]


def tcp_sockets(port, state):
    """The /proc/net/tcp{,6} rows (split into fields) of sockets on local `port` in `state` (hex: 01
    established, 0A listening)."""
    for table_file in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table_file) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[1].endswith(f":{port:04X}") and fields[3] == state:
                        yield fields
        except FileNotFoundError:
            pass


def listen_queue(port):
    """Connections waiting in the kernel's accept queue of `port` (rx_queue of its LISTEN sockets): set up by
    the kernel, their requests possibly sent, but not yet accepted by the server."""
    return sum(int(fields[4].split(":")[1], 16) for fields in tcp_sockets(port, "0A"))


def scenario_shutdown(a):
    rows = []
    for model in a.models_shutdown:
        server = Server(a.skein, model, ["--shutdown-timeout", "10s"])
        # single and process-pool serve one keep-alive connection until it closes: the other keep-alive ones
        # would starve into timeouts before any shutdown. They get a new connection per request instead.
        one_at_a_time = model in ("single", "process-pool")
        load = bench(a.skein, server.port, a.bench_s, connections=8 if one_at_a_time else 32, close=one_at_a_time)
        load.running(a.bench_s / 2 - 1)
        queued = listen_queue(server.port)
        started = time.time()
        signalled = len(server.lines)
        server.process.send_signal(signal.SIGTERM)
        try:
            code = server.process.wait(20)
        except subprocess.TimeoutExpired:
            code = "hung"
        took = time.time() - started
        report = load.result()
        left = [p for p in server.descendants() if alive(p)]
        server.stop()
        kill_all(left)
        reset = sum(int(m.group(1)) for _, line in server.lines[signalled:] if (m := RESET.search(line)))
        rows.append((model, report["requests"], lost(report), queued, reset, report["errors"]["connect"], code,
                     f"{took * 1000:.0f}", len(left)))
        if lost(report) > reset or code != 0 or left:
            fail(f"shutdown {model}: lost {lost(report)}, exit {code}, {len(left)} processes left")
    table("Graceful shutdown under load (SIGTERM halfway through a bench: 32 keep-alive connections; single and "
          "process-pool 8 with a new connection per request)",
          ["model", "requests", "lost (read+write+timeout)", "in the listen queue at SIGTERM (/proc)",
           "reset at the close (server's count)", "refused connects after close", "exit code",
           "shutdown ms", "processes left"], rows)


def scenario_kill_worker(a):
    rows = []
    for model in ("process-pool", "hybrid"):
        server = Server(a.skein, model, ["-w", "2"])
        try:
            while len(server.slots()) < 2 and server.process.poll() is None:
                time.sleep(0.05)
            # A pool worker serves one keep-alive connection until it closes: more keep-alive connections than
            # workers would starve the rest. So the pool gets a new connection per request, hybrid keep-alive.
            pool = model == "process-pool"
            load = bench(a.skein, server.port, a.bench_s, connections=8 if pool else 32, close=pool)
            load.running(a.bench_s / 2 - 1)
            # The victim: the worker holding the most connections (a shared listening socket need not spread them).
            workers = server.slots()
            held, slot, victim = max((len(connections_of(pid, server.port)), slot, pid) for slot, (pid, _) in workers.items())
            killed_at = time.time()
            os.kill(victim, signal.SIGKILL)
            # The replacement: the next worker to take the slot; then it holds a connection and a new one is answered.
            replacement = None
            while time.time() < killed_at + 10 and not replacement:
                found = server.slots(after=killed_at).get(slot)
                replacement = found if found and found[0] != victim else None
                time.sleep(0.01)
            answered = None
            probes = []
            while replacement and answered is None and time.time() < killed_at + 10 and len(probes) < 200:
                probe = socket.create_connection(("127.0.0.1", server.port), timeout=2)
                probes.append(probe)
                try:
                    probe.sendall(b"GET / HTTP/1.1\r\nHost: faults\r\n\r\n")
                    ok = probe.recv(16).startswith(b"HTTP/1.1 200")
                except OSError:
                    ok = False
                if ok and connections_of(replacement[0], server.port):
                    answered = time.time()
            for probe in probes:
                probe.close()
            report = load.result()
            to_slot = (replacement[1] - killed_at) * 1000 if replacement else None
            to_answer = (answered - killed_at) * 1000 if answered else None
            rows.append((model, report["requests"], held, lost(report), report["errors"]["connect"],
                         f"{to_slot:.0f}" if to_slot is not None else "never",
                         f"{to_answer:.0f}" if to_answer is not None else "never"))
            if lost(report) > max(held, 1) or to_slot is None or to_slot > 1000:
                fail(f"kill-worker {model}: {lost(report)} failed for {held} held, replacement after {to_slot} ms")
        finally:
            left = server.descendants()
            server.stop()
            kill_all(left)
    table("kill -9 of one worker (of 2) halfway through a bench (process-pool: 8 connections, a new one per "
          "request; hybrid: 32 keep-alive)",
          ["model", "requests", "connections the killed worker held", "failed requests", "refused connects",
           "replacement in slot (ms)", "replacement answering (ms)"], rows)


def connections_of(pid, port):
    """Inodes of established TCP sockets on `port` that `pid` holds (from /proc: no tools needed)."""
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except (FileNotFoundError, PermissionError):
        return set()
    return inodes & {fields[9] for fields in tcp_sockets(port, "01")}


def scenario_kill_master(a):
    rows = []
    for model in ("process", "process-pool", "hybrid"):
        # Orphaned workers shut down gracefully (in-flight requests may finish within --shutdown-timeout).
        server = Server(a.skein, model, ["-w", "2", "--shutdown-timeout", "5s"])
        load = bench(a.skein, server.port, 4, connections=8)
        load.running(1)
        started = server.descendants()
        killed_at = time.time()
        os.kill(server.pid, signal.SIGKILL)
        server.process.wait()
        while any(alive(p) for p in started) and time.time() < killed_at + 20:
            time.sleep(0.01)
        gone_ms = (time.time() - killed_at) * 1000
        left = [p for p in started if alive(p)]
        load.result()
        kill_all(left)
        rows.append((model, len(started), f"{gone_ms:.0f}", len(left)))
        if left:
            fail(f"kill-master {model}: {len(left)} of {len(started)} processes left after 20 s")
    table("kill -9 of the master under an 8-connection bench (--shutdown-timeout 5s)",
          ["model", "processes it had started", "all gone after (ms)", "left after 20 s"], rows)


def scenario_emfile(a):
    rows = []
    for model in ("async", "thread-pool"):
        server = Server(a.skein, model, nofile=256)
        try:
            flood = bench(a.skein, server.port, a.bench_s / 2, connections=400, timeout="3s").result()
            up = server.process.poll() is None
            after = bench(a.skein, server.port, 3, connections=16).result() if up else None
            recovered = bool(after) and after["requests"] > 0 and lost(after) + after["errors"]["non_2xx"] + after["errors"]["connect"] == 0
            logged = sum(1 for _, line in server.lines if "accept failed" in line)
            rows.append((model, flood["requests"], flood["errors"]["non_2xx"], flood["errors"]["connect"],
                         lost(flood), "yes" if up else "NO", after["requests"] if after else "-",
                         "yes" if recovered else "NO", logged))
            if not up or not recovered:
                fail(f"emfile {model}: up={up} recovered={recovered}")
        finally:
            left = server.descendants()
            server.stop()
            kill_all(left)
    table("Out of descriptors: RLIMIT_NOFILE 256, 400 connections, then 16",
          ["model", "requests (400 conns)", "503s", "connect errors", "read/write/timeout errors", "server up",
           "requests after (16 conns)", "all 200 after", "'accept failed' log lines"], rows)


class Tricklers:
    """N connections each sending a never-ending request head one byte per second; replaces any the server
    closes at the next tick (so about N stay open), and counts what the server answered them before closing."""
    HEAD = b"GET /slow HTTP/1.1\r\nHost: faults\r\nX-Trickle: " + b"a" * 4096

    def __init__(self, port, count):
        self.port, self.count = port, count
        self.sockets = {}
        self.answers = {}
        self.closed = 0
        self.connect_errors = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _open(self):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", self.port))
        except BlockingIOError:
            pass
        except OSError:
            self.connect_errors += 1
            s.close()
            return
        self.sockets[s] = 0

    def start(self):
        while len(self.sockets) < self.count:
            self._open()
        self._thread.start()
        return self

    def _run(self):
        next_tick = time.time()
        while not self._stop.is_set():
            # poll(2), not select(2): a thousand tricklers have descriptors past select's FD_SETSIZE (1024).
            by_fd = {s.fileno(): s for s in self.sockets}
            poller = select.poll()
            for fd in by_fd:
                poller.register(fd, select.POLLIN)
            timeout_ms = max(0.0, next_tick - time.time()) * 1000
            readable = [by_fd[fd] for fd, _ in poller.poll(timeout_ms) if fd in by_fd]
            for s in readable:
                try:
                    data = s.recv(64)
                except OSError:
                    data = b""
                if data:
                    status = data[9:12].decode(errors="replace")
                    self.answers[status] = self.answers.get(status, 0) + 1
                self.sockets.pop(s, None)
                s.close()
                self.closed += 1
            if time.time() >= next_tick:
                next_tick += 1.0
                while len(self.sockets) < self.count and not self._stop.is_set():
                    self._open()  # at most once a second per closed one, as a patient attacker would
                for s, sent in list(self.sockets.items()):
                    try:
                        s.send(self.HEAD[sent % len(self.HEAD):][:1])
                        self.sockets[s] = sent + 1
                    except (BlockingIOError, OSError):
                        pass

    def stop(self):
        self._stop.set()
        self._thread.join(5)
        for s in self.sockets:
            s.close()


def scenario_slow(a):
    rows = []
    for model in a.models_slow:
        server = Server(a.skein, model)
        try:
            tricklers = Tricklers(server.port, a.slow_clients).start()
            time.sleep(2)  # every trickler connected and past its first bytes
            report = bench(a.skein, server.port, a.bench_s, connections=4, rate=200, timeout="10s").result()
            statuses, slowest = probe(server.port)
            open_now = len(tricklers.sockets)
            tricklers.stop()
            up = server.process.poll() is None
            lat = report["latency_ms"]
            e = report["errors"]
            rows.append((model, a.slow_clients, open_now, report["requests"], ms(lat.get("p50")), ms(lat.get("p99")),
                         ms(lat.get("max")), e["non_2xx"], lost(report) + e["connect"], statuses, ms(slowest),
                         ", ".join(f"{k}: {v}" for k, v in sorted(tricklers.answers.items())) or "-",
                         "yes" if up else "NO"))
            if not up:
                fail(f"slow {model}: the server died")
            if model in ("async", "hybrid") and (lost(report) + e["connect"] + e["non_2xx"] or report["requests"] == 0):
                fail(f"slow {model}: the normal client was not answered: {e}")
            # The bounded models may refuse (503) but must answer: no request left waiting into bench's timeout,
            # no new connection unanswered.
            if model not in ("async", "hybrid") and (e["timeout"] or report["requests"] == 0 or "none" in statuses):
                fail(f"slow {model}: the normal client was left waiting: {e}, new connections {statuses}")
        finally:
            left = server.descendants()
            server.stop()
            kill_all(left)
    table(f"{a.slow_clients} connections trickling a head at 1 byte/s (the default 30 s header timeout) while a client sends "
          "GET / at 200 req/s on 4 connections",
          ["model", "tricklers", "open at the end", "bench requests", "p50 ms", "p99 ms", "max ms", "503s",
           "errors", "20 new connections: statuses", "slowest ms", "tricklers answered before close", "server up"], rows)


SCENARIOS = {"shutdown": scenario_shutdown, "kill-worker": scenario_kill_worker, "kill-master": scenario_kill_master,
             "emfile": scenario_emfile, "slow": scenario_slow}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenarios", nargs="*", choices=[[], *SCENARIOS], default=[])
    parser.add_argument("--quick", action="store_true", help="shorter benches, fewer models (about 2 minutes)")
    parser.add_argument("--skein", default=DEFAULT_SKEIN, help="the skein program (default: the Release build)")
    parser.add_argument("--slow-clients", type=int, default=1000)
    parser.add_argument("--models", help="only these models (comma-separated), in the scenarios that run them")
    a = parser.parse_args()
    a.bench_s = 4 if a.quick else 8
    a.models_shutdown = ["async", "hybrid"] if a.quick else ["single", "thread", "thread-pool", "async", "process-pool", "hybrid"]
    a.models_slow = ["async", "hybrid", "thread-pool"] if a.quick else ["async", "hybrid", "thread-pool", "thread", "single", "process-pool"]
    if a.models:
        chosen = a.models.split(",")
        a.models_shutdown = [m for m in a.models_shutdown if m in chosen]
        a.models_slow = [m for m in a.models_slow if m in chosen]
    need = 2 * a.slow_clients + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    if min(need, hard) < need:
        sys.exit(f"faults.py: {a.slow_clients} tricklers need {need} descriptors; the hard limit is {hard}")
    print(f"faults.py on {os.uname().nodename}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
          f"{datetime.now().isoformat(timespec='seconds')}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `timeout` or a kill still runs cleanup
    try:
        for name in a.scenarios or list(SCENARIOS):
            SCENARIOS[name](a)
    finally:
        cleanup()
    print(f"\n{'FAILED: ' + str(FAILED) + ' criteria' if FAILED else 'all criteria met'}")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
