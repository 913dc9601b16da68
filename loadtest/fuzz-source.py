#!/usr/bin/env python3
"""Mutation fuzzing over UDP from one source address (RESULTS.md, "Flood control": one source floods while
another fuzzes and a third places calls).

Seeds are the RFC 4475 torture messages and the PROTOS INVITEs of ../shared/corpus (or --seeds DIR...);
each datagram is one seed with a few random mutations (bytes flipped, inserted, deleted or repeated, a
header line duplicated or dropped, the message cut short, a header value blown up), sent at --rate a second
for --seconds from --source to --target. Answers are read and counted, never followed: the proxy under test
must never send anything off loopback whatever these messages say.

Last line: FUZZ sent=N answered=N seconds=S.

    python3 loadtest/fuzz-source.py --source 127.0.0.3 --target 127.0.0.1:5060 --rate 2000 --seconds 60
"""
import argparse
import os
import random
import signal
import socket
import sys
import time


def load_seeds(dirs):
    seeds = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            if name.endswith((".dat", ".sip")):
                with open(os.path.join(d, name), "rb") as f:
                    data = f.read()
                if 0 < len(data) <= 8192:
                    seeds.append(data)
    return seeds


def mutate(rng, msg):
    data = bytearray(msg)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(8)
        if not data:
            break
        pos = rng.randrange(len(data))
        if kind == 0:  # flip a byte
            data[pos] = rng.randrange(256)
        elif kind == 1:  # insert a few bytes, often SIP's own separators
            data[pos:pos] = rng.choice([b"\r\n", b":", b";", b",", b"<", b">", b"\x00", b" ", b"%", b"\r\n\r\n"]) * rng.randint(1, 3)
        elif kind == 2:  # delete a run
            del data[pos:pos + rng.randint(1, 16)]
        elif kind == 3:  # repeat a run
            run = data[pos:pos + rng.randint(1, 32)]
            data[pos:pos] = run * rng.randint(1, 8)
        elif kind == 4:  # cut short
            del data[pos:]
        elif kind == 5:  # duplicate or drop one header line
            lines = bytes(data).split(b"\r\n")
            if len(lines) > 2:
                i = rng.randrange(1, len(lines))
                if rng.random() < 0.5:
                    lines.insert(i, lines[i])
                else:
                    del lines[i]
                data = bytearray(b"\r\n".join(lines))
        elif kind == 6:  # blow up a header value
            lines = bytes(data).split(b"\r\n")
            if len(lines) > 2:
                i = rng.randrange(1, len(lines))
                lines[i] = lines[i] + b"x" * rng.choice([100, 1000, 4000])
                data = bytearray(b"\r\n".join(lines))
        else:  # a number that is not one
            for key in (b"Content-Length: ", b"CSeq: ", b"Max-Forwards: "):
                at = data.find(key)
                if at >= 0:
                    end = at + len(key)
                    data[end:end] = rng.choice([b"-", b"99999999999999999999", b"0x", b"4294967296 "])
                    break
    return bytes(data[:65000])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = os.path.join(here, "..", "..", "shared", "corpus")
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--source", default="127.0.0.3")
    p.add_argument("--target", default="127.0.0.1:5060")
    p.add_argument("--rate", type=float, default=2000, help="datagrams a second")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seeds", nargs="*", default=[os.path.join(corpus, "rfc4475"), os.path.join(corpus, "protos-c07-sip")])
    a = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    seeds = load_seeds([d for d in a.seeds if os.path.isdir(d)])
    if not seeds:
        sys.exit("fuzz-source: no seed messages found in " + " ".join(a.seeds))
    host, port = a.target.rsplit(":", 1)
    rng = random.Random(a.seed)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((a.source, 0))
    sock.setblocking(False)
    sent = answered = 0
    start = time.monotonic()
    stop = start + a.seconds
    next_at = start
    interval = 1.0 / a.rate
    try:
        while True:
            now = time.monotonic()
            if now >= stop:
                break
            while next_at <= now:
                try:
                    sock.sendto(mutate(rng, rng.choice(seeds)), (host, int(port)))
                    sent += 1
                except (BlockingIOError, OSError):
                    pass
                next_at += interval
            try:
                while True:
                    sock.recv(65535)
                    answered += 1
            except (BlockingIOError, OSError):
                pass
            time.sleep(min(0.002, max(0.0, next_at - time.monotonic())))
    except KeyboardInterrupt:
        pass
    print(f"FUZZ sent={sent} answered={answered} seconds={time.monotonic() - start:.1f}", flush=True)


if __name__ == "__main__":
    main()
