#!/usr/bin/env python3
"""Holds hostile SIP/TCP connections open against the proxy (RESULTS.md, "TCP limits").

  idle:      connected, sending nothing
  slow:      one header byte every second (slowloris)
  half-sent: headers of a 60 KB INVITE and half its body, then nothing

from many source addresses 127.1.X.Y (at most --per-source connections each), reconnecting a second after
the proxy closes one, until SIGTERM or --seconds. Prints one line of counts every 5 s and a summary at the end:
connects attempted, established, closed by the proxy (refused at accept or later), open at the end.
Loopback only.
"""
import argparse
import errno
import selectors
import signal
import socket
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--target", default="127.0.0.1:5060")
p.add_argument("--idle", type=int, default=10000)
p.add_argument("--slow", type=int, default=1000)
p.add_argument("--half-sent", type=int, default=1000)
p.add_argument("--per-source", type=int, default=30)
p.add_argument("--seconds", type=float, default=110)
a = p.parse_args()
host, port = a.target.rsplit(":", 1)
target = (host, int(port))
assert host.startswith("127."), "loopback only"

BODY = 60000
HALF = ("INVITE sip:+12025550100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.1.0.1:5999;branch=z9hG4bK-h\r\n"
        "Max-Forwards: 70\r\nFrom: <sip:+13035550100@127.1.0.1>;tag=1\r\nTo: <sip:+12025550100@127.0.0.1>\r\n"
        "Call-ID: half\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n" % BODY
        ).encode() + b"v" * (BODY // 2)
SLOW = b"OPTIONS sip:127.0.0.1 SIP/2.0\r\nX-Slow: " + b"s" * 100000

sel = selectors.DefaultSelector()
stop = False
signal.signal(signal.SIGTERM, lambda *_: globals().__setitem__("stop", True))
counts = {"attempted": 0, "established": 0, "closed_by_proxy": 0, "connect_failed": 0}
next_source = [0]


def source():
    n = next_source[0] // a.per_source
    next_source[0] += 1
    return "127.1.%d.%d" % (n // 250, n % 250 + 1)


class Conn:
    def __init__(self, kind):
        self.kind = kind
        self.src = source()
        self.sent = 0
        self.up = False
        self.retry_at = None
        self.open()

    def open(self):
        self.retry_at = None
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.s.bind((self.src, 0))
        self.s.setblocking(False)
        counts["attempted"] += 1
        err = self.s.connect_ex(target)
        if err not in (0, errno.EINPROGRESS):
            counts["connect_failed"] += 1
        self.up = False
        self.sent = 0
        sel.register(self.s, selectors.EVENT_READ | selectors.EVENT_WRITE, self)

    def reopen(self):
        """Closes the socket and connects again from the same source a second later."""
        sel.unregister(self.s)
        self.s.close()
        self.up = False
        self.retry_at = time.monotonic() + 1

    def event(self, mask):
        if mask & selectors.EVENT_WRITE and not self.up:
            if self.s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                counts["connect_failed"] += 1
                self.reopen()
                return
            self.up = True
            counts["established"] += 1
            sel.modify(self.s, selectors.EVENT_READ, self)
            if self.kind == "half":
                try:
                    self.sent = self.s.send(HALF)
                except OSError:
                    pass
        if mask & selectors.EVENT_READ:
            try:
                data = self.s.recv(65536)
            except OSError:
                data = b""
            if not data:
                counts["closed_by_proxy"] += 1
                self.reopen()

    def tick(self):
        if self.kind == "slow" and self.up and self.sent < len(SLOW):
            try:
                self.sent += self.s.send(SLOW[self.sent:self.sent + 1])
            except OSError:
                pass


conns = [Conn("idle") for _ in range(a.idle)] + [Conn("slow") for _ in range(a.slow)] + \
        [Conn("half") for _ in range(a.half_sent)]
start = time.monotonic()
last_tick = last_report = start
while not stop and time.monotonic() - start < a.seconds:
    for key, mask in sel.select(timeout=0.2):
        key.data.event(mask)
    now = time.monotonic()
    if now - last_tick >= 1:
        last_tick = now
        for c in conns:
            if c.retry_at is not None and c.retry_at <= now:
                c.open()
            elif c.kind == "slow":
                c.tick()
    if now - last_report >= 5:
        last_report = now
        print("t=%.0fs open=%d %s" % (now - start, sum(c.up for c in conns), counts), flush=True)
print("PRESSURE idle=%d slow=%d half_sent=%d sources=%d open_at_end=%d attempted=%d established=%d "
      "closed_by_proxy=%d connect_failed=%d" % (a.idle, a.slow, a.half_sent,
      (next_source[0] + a.per_source - 1) // a.per_source, sum(c.up for c in conns), counts["attempted"],
      counts["established"], counts["closed_by_proxy"], counts["connect_failed"]), flush=True)
