#!/usr/bin/env python3
"""Server memory per parked long-poll (benchmarks/peers/compare.sh, comet workload).

Usage: park.py PORT CLIENTS SERVER_PID

Measures the proportional set size (Pss, from /proc/*/smaps_rollup) of the server's whole process tree,
parks CLIENTS connections on GET /wait (one plain blocking connect after another, so no burst overflows the
listen queue), waits until GET /waiters reports them all, measures again, then releases them with
GET /notify and checks that every waiter was answered 200 with the released count. Prints one line:
  baseline_kib=... parked_kib=... per_waiter_bytes=... released=... ok=...
and exits 1 when any waiter was not answered correctly. It does not time the release: `skein comet` does.
"""
import os
import resource
import socket
import sys
import time

REQUEST = b"GET /wait HTTP/1.1\r\nHost: peers\r\nConnection: close\r\n\r\n"


def tree(pid):
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    pids.extend(tree(int(child)))
    except FileNotFoundError:
        pass
    return pids


def pss_kib(pid):
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def get(port, path):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: peers\r\nConnection: close\r\n\r\n".encode())
        return read_answer(s)


def read_answer(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    return status, body.strip()


def main():
    port, clients, server = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    baseline = pss_kib(server)
    sockets = []
    for _ in range(clients):
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        s.sendall(REQUEST)
        sockets.append(s)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, body = get(port, "/waiters")
        if status == 200 and int(body) >= clients:
            break
        time.sleep(0.05)
    else:
        sys.exit(f"park.py: /waiters never reached {clients}")
    time.sleep(0.5)  # let the runtime settle what it allocated on the way (not a synchronisation)
    parked = pss_kib(server)
    status, body = get(port, "/notify")
    released = int(body) if status == 200 else -1
    ok = 0
    for s in sockets:
        answer = read_answer(s)
        s.close()
        if answer == (200, str(clients).encode()):
            ok += 1
    per_waiter = (parked - baseline) * 1024 / clients
    print(f"baseline_kib={baseline} parked_kib={parked} per_waiter_bytes={per_waiter:.0f} released={released} ok={ok}")
    sys.exit(0 if ok == clients and released == clients else 1)


if __name__ == "__main__":
    main()
