"""Starting and stopping a `skein serve` for the process benchmarks, and reading its workers from /proc.

Shared by spawn.py and load.py (standard library only). It starts the server with the given program (the
native `skein` by default), reads the port from the first log line, keeps every log line, and stops the
server by its pid (SIGTERM, then SIGKILL) however the benchmark ends.
"""
import os
import re
import shlex
import signal
import socket
import subprocess
import threading
import time

ADDRESS = re.compile(r"address=http://\S*:(\d+)")


class Skein:
    """A running `skein serve ARGS` with -p 0; .port, .pid, .lines (every log line so far)."""

    def __init__(self, program, args, timeout=60.0):
        self.lines = []
        self._cond = threading.Condition()
        command = shlex.split(program) + ["serve", "-p", "0", *args]
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.pid = self.proc.pid
        threading.Thread(target=self._read, daemon=True).start()
        match = self.wait_for(ADDRESS, timeout)
        self.port = int(match.group(1))

    def _read(self):
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()

    def wait_for(self, pattern, timeout, start=0):
        """The first match of `pattern` in the log lines from index `start` on, waiting up to `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines[start:]:
                    match = pattern.search(line)
                    if match:
                        return match
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise TimeoutError(f"no line matching {pattern.pattern!r}:\n" + "\n".join(self.lines[-20:]))
                self._cond.wait(left)

    def children(self):
        """Pids of the running worker processes."""
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.pid and fields[0] not in "ZX":
                    found.append(int(entry))
        return found

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                for child in self.children():
                    os.kill(child, signal.SIGKILL)
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def cpu_ns(pid):
    """CPU time of every thread of `pid` so far, in ns (/proc/PID/task/*/schedstat, first field)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def sockets(pid):
    """How many sockets `pid` holds open."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                count += 1
        except OSError:
            pass
    return count


def request(port, path="/", timeout=30.0, close=True):
    """One GET on a new connection; returns (status, seconds)."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\n{'Connection: close' if close else ''}\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
    return status, time.monotonic() - start


def request_kept(port, path="/", timeout=30.0):
    """One GET on a new keep-alive connection, read to the end of its response (Content-Length); returns
    (status, the still open socket): the caller closes it."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else 0
    return status, s


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
