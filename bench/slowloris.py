#!/usr/bin/env python3
"""How fast a normal client is served while many idle or trickling connections are open.

Starts nothing itself: run a server first, e.g.
    build/release/practica serve --db var/demo.db --listen 127.0.0.1:8080 --access-log off
then
    python3 bench/slowloris.py --port 8080 --connections 2000
It measures GET /login latency (median, 95th percentile, worst) with no flood, then with the
flood open (half idle, half sending a header line every second, from 127.0.0.2-5), and prints
both. Functional correctness is tested by tests/http_connections.c; this only gives numbers.
"""
import argparse, socket, statistics, threading, time

def timed_get(port, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /login HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        if not data.startswith(b"HTTP/1.1 200"):
            raise SystemExit("unexpected answer: %r" % data[:60])
        times.append((time.perf_counter() - t) * 1000)
    return times

def report(label, times):
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print("%-28s median %6.2f ms   p95 %6.2f ms   worst %6.2f ms   (%d requests)"
          % (label, statistics.median(times), p95, times[-1], len(times)))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--connections", type=int, default=2000)
    ap.add_argument("--requests", type=int, default=200)
    a = ap.parse_args()
    report("no flood", timed_get(a.port, a.requests))
    socks = []
    for i in range(a.connections):
        s = socket.socket()
        s.bind(("127.0.0.%d" % (2 + i % 4), 0))
        s.connect(("127.0.0.1", a.port))
        if i % 2:
            s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    stop = threading.Event()
    def trickle():
        while not stop.wait(1.0):
            for s in socks[1::2]:
                try:
                    s.sendall(b"X-Slow: yes\r\n")
                except OSError:
                    pass
    t = threading.Thread(target=trickle)
    t.start()
    time.sleep(1)
    report("%d idle/trickling open" % a.connections, timed_get(a.port, a.requests))
    stop.set()
    t.join()
    alive = 0
    for s in socks:
        s.setblocking(False)
        try:
            alive += s.recv(1, socket.MSG_PEEK) != b""
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
        s.close()
    print("flood connections still open at the end: %d of %d" % (alive, a.connections))

if __name__ == "__main__":
    main()
