#!/usr/bin/env python3
"""The process models under bursts (the timed targets of docs/processes.md; run them on a quiet machine).

    benchmarks/processes/load.py process [--skein 'PROGRAM'] [-w 5]
        burst: 50 concurrent new connections (GET /): time until all are answered, and how;
        io:    10 concurrent GET /io: time until all are answered;
        storm: 200 connections that send half a request and reset (SO_LINGER 0), then one fresh GET /:
               its latency, and the worker processes left afterwards.
    benchmarks/processes/load.py hybrid [--skein 'PROGRAM'] [-w 2] [extra serve options...]
        cpu:   one GET /cpu alone (median of 3), then 8 concurrent, --rounds times (default 5): the median
               time / (8 x alone / 2 cores), and the rounds' range (one burst lasts ~0.3 s: a single one
               moves by a third with a hiccup of the machine);
        split: 100 keep-alive connections held open: how many each worker process holds (/proc sockets).
"""
import argparse
import socket
import statistics
import struct
import threading
import time

from skeinrun import Skein, percentile, request, sockets


def concurrently(count, work):
    """Runs work(i) on `count` threads released at once; returns (results, seconds until the last one)."""
    results = [None] * count
    gate = threading.Barrier(count + 1)

    def run(i):
        gate.wait()
        try:
            results[i] = work(i)
        except OSError as e:
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    gate.wait()
    start = time.monotonic()
    for t in threads:
        t.join()
    return results, time.monotonic() - start


def summary(results):
    statuses = {}
    for r in results:
        key = r[0] if isinstance(r, tuple) else type(r).__name__
        statuses[key] = statuses.get(key, 0) + 1
    return ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))


def process(args):
    with Skein(args.skein, ["-m", "process", "-w", str(args.w), "-f", args.f, *args.extra]) as skein:
        time.sleep(args.settle)  # the spares start
        results, took = concurrently(50, lambda i: request(skein.port, "/", timeout=60))
        latencies = [r[1] for r in results if isinstance(r, tuple)]
        print(f"burst  50 concurrent GET /: all done in {took:.2f} s; p50 {statistics.median(latencies):.2f} s, "
              f"max {max(latencies):.2f} s; {summary(results)}")
        time.sleep(args.settle)
        results, took = concurrently(10, lambda i: request(skein.port, "/io", timeout=60))
        print(f"io     10 concurrent GET /io: all done in {took:.2f} s; {summary(results)}")
        time.sleep(args.settle)
        storm(skein)


def storm(skein):
    half = b"GET /index.html HTTP/1.1\r\nHost: storm\r\n"  # no blank line: the request is never complete
    held = []
    for _ in range(200):
        s = socket.create_connection(("127.0.0.1", skein.port), timeout=10)
        s.sendall(half)
        held.append(s)
    for s in held:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()  # RST
    status, took = request(skein.port, "/", timeout=60)
    print(f"storm  200 half requests reset, then GET /: {status} after {took:.3f} s; "
          f"{len(skein.children())} worker processes right after")


def hybrid(args):
    with Skein(args.skein, ["-m", "hybrid", "-w", str(args.w), "-f", args.f, *args.extra]) as skein:
        time.sleep(args.settle)
        for _ in range(4):  # every worker's /cpu path warm
            request(skein.port, "/cpu")
        alone = statistics.median(request(skein.port, "/cpu")[1] for _ in range(3))
        results, times = [], []
        for _ in range(args.rounds):
            answers, took = concurrently(8, lambda i: request(skein.port, "/cpu", timeout=120))
            results += answers
            times.append(took)
        took = statistics.median(times)
        ideal = 8 * alone / 2
        print(f"cpu    /cpu alone {alone:.3f} s; 8 concurrent in {took:.2f} s (median of {len(times)}) = {took / ideal:.2f} x "
              f"the 2-core ideal ({ideal:.2f} s; rounds {min(times) / ideal:.2f}-{max(times) / ideal:.2f} x); {summary(results)}")
        split(skein)


def split(skein):
    workers = skein.children()
    before = {pid: sockets(pid) for pid in workers}
    held = []
    for _ in range(100):
        s = socket.create_connection(("127.0.0.1", skein.port), timeout=10)
        s.sendall(b"GET / HTTP/1.1\r\nHost: split\r\n\r\n")
        held.append(s)
    for s in held:  # each answered: accepted and served by some worker
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(65536)
    time.sleep(0.2)
    counts = sorted(((sockets(pid) - before[pid]), pid) for pid in workers)
    print("split  100 keep-alive connections per worker process: "
          + ", ".join(f"{n} (pid {pid})" for n, pid in reversed(counts)))
    for s in held:
        s.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", choices=["process", "hybrid"])
    parser.add_argument("--skein", default="skein")
    parser.add_argument("-w", type=int, default=None)
    parser.add_argument("-f", default="www")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to let workers start between steps")
    parser.add_argument("--rounds", type=int, default=5, help="bursts of 8 concurrent /cpu (hybrid)")
    parser.add_argument("extra", nargs="*", help="more serve options (after --)")
    args = parser.parse_args()
    if args.model == "process":
        args.w = args.w or 5
        process(args)
    else:
        args.w = args.w or 2
        hybrid(args)


if __name__ == "__main__":
    main()
