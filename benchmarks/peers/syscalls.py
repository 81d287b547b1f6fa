#!/usr/bin/env python3
"""Syscalls per request of a running server (docs/performance.md): a count, so it holds on a loaded machine.

Usage: syscalls.py PORT SERVER_PID [-n REQUESTS] [-c CONNECTIONS] [--keep-alive] [--path PATH]

Attaches `strace -c -f` to every process of the server's tree (the master and its workers, every thread),
sends REQUESTS (default 4,000) GET PATH (default /index.html) requests over CONNECTIONS (default 4) client
threads — each on a new connection with `Connection: close` unless --keep-alive — checks every answer is
200, detaches, and prints strace's table divided by the requests: one line per syscall, then the total.
It does not time anything: strace slows every syscall, so counts that depend on batching (epoll_wait, a
receive that finds nothing yet) are those of a slowed server; the rest are exact. Run it against nginx and
Skein with the same arguments to compare them (benchmarks/peers/compare.sh starts both the same way).
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading

from park import tree  # the server's process tree, as park.py reads it


def fetch(port, request, keep_alive_socket=None):
    """One request; returns (status, socket to reuse or None)."""
    s = keep_alive_socket or socket.create_connection(("127.0.0.1", port))
    s.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else 0
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    if keep_alive_socket is None and b"connection: close" in head.lower():
        # The server closes: read its FIN as a closing client does, then close our end.
        while s.recv(65536):
            pass
        s.close()
        return status, None
    return status, s


def run(port, path, count, connections, keep_alive):
    header = b"" if keep_alive else b"Connection: close\r\n"
    request = b"GET " + path.encode() + b" HTTP/1.1\r\nHost: peers\r\n" + header + b"\r\n"
    failures = []

    def client(n):
        s = None
        for _ in range(n):
            status, s = fetch(port, request, s if keep_alive else None)
            if status != 200:
                failures.append(status)
            if keep_alive and s is None:
                failures.append("closed")
        if s is not None:
            s.close()

    share = [count // connections + (1 if i < count % connections else 0) for i in range(connections)]
    threads = [threading.Thread(target=client, args=(n,)) for n in share]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("port", type=int)
    parser.add_argument("pid", type=int)
    parser.add_argument("-n", "--requests", type=int, default=4000)
    parser.add_argument("-c", "--connections", type=int, default=4)
    parser.add_argument("--keep-alive", action="store_true")
    parser.add_argument("--path", default="/index.html")
    args = parser.parse_args()

    # Warm up (JIT, caches, the connections' pools) before counting.
    if run(args.port, args.path, 200, args.connections, args.keep_alive):
        sys.exit("the server did not answer the warm-up with 200")
    out = tempfile.NamedTemporaryFile(prefix="syscalls-", suffix=".txt", delete=False).name
    pids = tree(args.pid)
    command = ["strace", "-c", "-f", "-o", out]
    for p in pids:
        command += ["-p", str(p)]
    threads = sum(len(os.listdir(f"/proc/{p}/task")) for p in pids)
    strace = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    attached = 0
    while attached < threads:  # strace says "Process N attached" for each thread it reached
        line = strace.stderr.readline()
        if not line:
            sys.exit("strace ended before attaching (is ptrace allowed?)")
        if "attached" in line:  # "Process N attached", or "... attached with M threads" for a whole process
            words = line.split()
            attached += int(words[words.index("with") + 1]) if "with" in words else 1
    threading.Thread(target=strace.stderr.read, daemon=True).start()
    failures = run(args.port, args.path, args.requests, args.connections, args.keep_alive)
    strace.send_signal(signal.SIGINT)
    strace.wait()
    if failures:
        sys.exit(f"{len(failures)} requests failed: {failures[:5]}")
    rows = []
    with open(out) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total":
                calls = int(parts[3])
                errors = int(parts[4]) if len(parts) == 6 else 0
                rows.append((parts[-1], calls, errors))
    os.unlink(out)
    rows.sort(key=lambda r: -r[1])
    kind = "keep-alive" if args.keep_alive else "Connection: close"
    print(f"{args.requests} requests ({kind}, {args.connections} clients), processes {pids}; syscalls per request:")
    total = 0
    for name, calls, errors in rows:
        per = calls / args.requests
        total += per
        if per >= 0.005:
            suffix = f" ({errors / args.requests:.2f} failed)" if errors else ""
            print(f"  {name:<16} {per:6.2f}{suffix}")
    print(f"  {'total':<16} {total:6.2f}")


if __name__ == "__main__":
    main()
