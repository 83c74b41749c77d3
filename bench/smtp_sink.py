"""A tiny SMTP server on a real local socket that keeps what it receives and counts connections: enough of RFC 5321
for smtplib (no extensions, no pipelining), so the benchmark and the tests see the sweep's real connections.

    with SmtpSink() as sink:
        settings.MAILERS = sink.mailers
        ...
    sink.connections, sink.most_at_once, sink.messages
"""

import re
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

_ADDRESS = re.compile(rb"<([^>]*)>")


@dataclass(frozen=True)
class Received:
    connection: int  # which connection (1, 2, …) it came over
    recipients: tuple[str, ...]
    data: bytes


class _Session(socketserver.StreamRequestHandler):
    def handle(self):
        sink: SmtpSink = self.server.sink
        connection = sink._connected()
        self.quit = False
        try:
            self._converse(sink, connection)
        finally:
            if not self.quit:  # gone without a QUIT
                sink._disconnected()

    def _converse(self, sink: "SmtpSink", connection: int) -> None:
        self._reply(b"220 sink ready")
        recipients = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"RCPT":
                address = _ADDRESS.search(line).group(1).decode()
                if sink._refused(address):
                    self._reply(b"550 5.1.1 Mailbox unavailable")
                    continue
                recipients.append(address)
            elif verb == b"DATA":
                self._reply(b"354 End data with <CR><LF>.<CR><LF>")
                data = self._data()
                if data is None:
                    return  # the client went away before the final dot: a mail server keeps nothing of it
                time.sleep(sink.delay)
                sink._received(Received(connection, tuple(recipients), data))
            elif verb == b"QUIT":
                self.quit = True
                sink._disconnected()  # before the reply, after which the client may already open the next
                self._reply(b"221 Bye")
                return
            if verb in {b"MAIL", b"RSET"}:
                recipients = []
            self._reply(b"250 OK")  # EHLO, HELO, MAIL, RCPT, end of DATA, RSET, NOOP

    def _data(self) -> bytes | None:
        lines = []
        while (line := self.rfile.readline()) != b".\r\n":
            if not line:
                return None
            lines.append(line[1:] if line.startswith(b"..") else line)  # undo dot-stuffing
        return b"".join(lines)

    def _reply(self, text: bytes) -> None:
        self.wfile.write(text + b"\r\n")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """Serves on 127.0.0.1 (a free port) in a background thread while the `with` block runs.

    `refuse(address)` decides which recipients get a 550, as a mail server does for an unknown mailbox."""

    def __init__(self, refuse: Callable[[str], bool] = lambda address: False, delay: float = 0.0):
        self.refuse = refuse
        self.delay = delay  # seconds each message takes to accept, as a busy mail server's do
        self.connections = 0
        self.open_now = self.most_at_once = 0  # connections open at the same moment
        self.messages: list[Received] = []
        self.refusals: list[str] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Session)
        self._server.sink = self
        self.port = self._server.server_address[1]

    @property
    def mailers(self) -> dict:
        """A MAILERS setting that sends here."""
        return self.mailers_for(self.port)

    @staticmethod
    def mailers_for(port: int) -> dict:
        options = {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10}
        return {"default": {"BACKEND": "partnership.smtp.EmailBackend", "OPTIONS": options}}

    def __enter__(self) -> "SmtpSink":
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _connected(self) -> int:
        with self._lock:
            self.connections += 1
            self.open_now += 1
            self.most_at_once = max(self.most_at_once, self.open_now)
            return self.connections

    def _disconnected(self) -> None:
        with self._lock:
            self.open_now -= 1

    def _refused(self, address: str) -> bool:
        with self._lock:
            if self.refuse(address):
                self.refusals.append(address)
                return True
            return False

    def _received(self, message: Received) -> None:
        with self._lock:
            self.messages.append(message)


if __name__ == "__main__":
    # A sink in a process of its own, as a real mail server is (in the benchmark's process it would share the GIL):
    # prints its port, serves until stdin closes, then prints what it received as JSON.
    import json
    import sys

    with SmtpSink() as sink:
        print(sink.port, flush=True)
        sys.stdin.read()
    print(json.dumps({"smtp_connections": sink.connections, "smtp_messages": len(sink.messages)}), flush=True)
