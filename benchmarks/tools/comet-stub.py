#!/usr/bin/env python3
"""A stand-in comet server for checking `skein comet` by hand at 10,000 clients in a separate process
(the in-test stub shares the test process's descriptor limit with the clients). It is the seed's comet
handler (naglfar's TestHandler) on asyncio: GET /wait is held until GET /notify, which answers every
waiter and itself with their count; GET /waiters answers the current count. Connection: close on every
answer. Not a real HTTP server: it reads one request head per connection and ignores the rest.
Usage: comet-stub.py [PORT]   (default 18090; stop it with kill PID)"""
import asyncio, resource, sys

waiters = []

async def handle(reader, writer):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        writer.close()
        return
    path = head.split(b" ", 2)[1].decode("latin-1")
    if path.endswith("/wait"):
        future = asyncio.get_running_loop().create_future()
        waiters.append(future)
        n = await future
    elif path.endswith("/notify"):
        released = waiters[:]
        del waiters[:]
        for future in released:
            future.set_result(len(released))
        n = len(released)
    elif path.endswith("/waiters"):
        n = len(waiters)
    else:
        writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        writer.close()
        return
    body = str(n).encode()
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    try:
        await writer.drain()
    except ConnectionError:
        pass
    writer.close()

async def main(port):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
    print(f"comet stub on 127.0.0.1:{port}, fd limit {hard}", flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 18090))
