#!/usr/bin/env python3
"""The hostile clients of bench/api/run.sh (HOSTILE): against one `battrace serve`, for SECONDS,
keeps open at once
- IDLE idle keep-alive connections (one lookup each, then silent; reopened when the server
  closes them), 10 per source address from 127.0.2.1 up;
- SLOW slowloris connections sending a request head 1 byte a second (reopened when the server
  answers or closes them), one per source address from 127.0.1.1 up;
- UPLOADS concurrent chunked POST /v1/reports of 64 MiB each without a token, from 127.0.3.x,
  each started again as soon as the previous one is answered or cut.
Every 127/8 address is local on Linux, so the per-address cap of the server does not shed them.
Prints "READY" once every connection was opened the first time, then at the end (SECONDS, or
SIGTERM) one line:
RESULT idle_reopened=N slow_cut=N slow_408=N uploads=N upload_401=N upload_other=N
upload_mib_sent=N errors=N

usage: hostile.py PORT PATH SECONDS [IDLE SLOW UPLOADS]
"""
import asyncio
import signal
import sys
import time

MIB = 1 << 20


async def read_head(reader):
    """The status of the response on `reader` (its body read too), or None if closed first."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == "content-length":
            length = int(v.strip())
    if length:
        await reader.readexactly(length)
    return int(lines[0].split()[1])


class Load:
    def __init__(self, port, path, seconds):
        self.port, self.path, self.end = port, path, time.monotonic() + seconds
        self.counts = dict(idle_reopened=0, slow_cut=0, slow_408=0, uploads=0, upload_401=0,
                           upload_other=0, upload_mib_sent=0, errors=0)
        self.opened = 0

    def running(self):
        return time.monotonic() < self.end

    async def connect(self, source):
        return await asyncio.open_connection("127.0.0.1", self.port, local_addr=(source, 0))

    async def idle(self, i):
        source = f"127.0.2.{1 + i // 10}"
        first = True
        while self.running():
            try:
                reader, writer = await self.connect(source)
                writer.write(f"GET {self.path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                await read_head(reader)
                if first:
                    self.opened += 1
                    first = False
                else:
                    self.counts["idle_reopened"] += 1
                # Silent until the server closes it (the idle keep-alive timeout).
                await asyncio.wait_for(reader.read(1), max(self.end - time.monotonic(), 0.1))
            except asyncio.TimeoutError:
                pass
            except OSError:
                self.counts["errors"] += 1
                await asyncio.sleep(0.5)
            finally:
                try:
                    writer.close()
                except Exception:  # noqa: BLE001
                    pass

    async def slow(self, i):
        source = f"127.0.1.{1 + i}"
        text = (f"GET {self.path} HTTP/1.1\r\nHost: x\r\nX-Slow: " + "z" * 10000).encode()
        first = True
        while self.running():
            writer = None
            try:
                reader, writer = await self.connect(source)
                if first:
                    self.opened += 1
                    first = False
                for n in range(len(text)):
                    writer.write(text[n:n + 1])
                    try:
                        data = await asyncio.wait_for(reader.read(65536), 1)
                    except asyncio.TimeoutError:
                        if not self.running():
                            return
                        continue
                    self.counts["slow_cut"] += 1
                    if data.startswith(b"HTTP/1.1 408"):
                        self.counts["slow_408"] += 1
                    break
            except OSError:
                self.counts["slow_cut"] += 1
            finally:
                if writer:
                    writer.close()

    async def upload(self, i):
        source = f"127.0.3.{1 + i}"
        chunk = b"%x\r\n" % MIB + b"[" * MIB + b"\r\n"
        first = True
        while self.running():
            writer = None
            try:
                reader, writer = await self.connect(source)
                if first:
                    self.opened += 1
                    first = False
                writer.write(b"POST /v1/reports HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                sent = [0]

                async def send():
                    try:
                        for _ in range(64):
                            writer.write(chunk)
                            await writer.drain()
                            sent[0] += 1
                        writer.write(b"0\r\n\r\n")
                        await writer.drain()
                    except (OSError, AttributeError):
                        pass  # the server answered and closed

                sender = asyncio.ensure_future(send())
                status = await read_head(reader)
                sender.cancel()
                self.counts["uploads"] += 1
                self.counts["upload_mib_sent"] += sent[0]
                self.counts["upload_401" if status == 401 else "upload_other"] += 1
            except OSError:
                self.counts["errors"] += 1
                await asyncio.sleep(0.1)
            finally:
                if writer:
                    writer.close()

    def stop(self):
        self.end = 0
        self.stopped.set()

    async def run(self, idle, slow, uploads):
        self.stopped = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.stop)
        tasks = [asyncio.ensure_future(self.idle(i)) for i in range(idle)]
        tasks += [asyncio.ensure_future(self.slow(i)) for i in range(slow)]
        tasks += [asyncio.ensure_future(self.upload(i)) for i in range(uploads)]
        while self.opened < idle + slow + uploads and self.running():
            await asyncio.sleep(0.1)
        print("READY", flush=True)
        try:
            await asyncio.wait_for(self.stopped.wait(), max(self.end - time.monotonic(), 0))
        except asyncio.TimeoutError:
            pass
        self.end = 0
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        print("RESULT " + " ".join(f"{k}={v}" for k, v in self.counts.items()), flush=True)


def main():
    port, path, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    idle, slow, uploads = (int(a) for a in (sys.argv[4:7] or (1000, 200, 20)))
    asyncio.run(Load(port, path, seconds).run(idle, slow, uploads))


if __name__ == "__main__":
    main()
