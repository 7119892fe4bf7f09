"""A second SMTP server on loopback for the `mailstack` layer: the host a relay domain's mail
is handed to. It accepts every message and keeps it in memory; started on a free port,
stopped (its thread joined) by the test that started it."""

import socketserver
import threading
import time
from dataclasses import dataclass, field

from tests.mailstack.servers import MailStackError, free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: str


@dataclass
class SmtpSink:
    port: int = field(default_factory=free_port)
    messages: list[Received] = field(default_factory=list)

    def __post_init__(self):
        sink = self

        class Session(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(f"{line}\r\n".encode())

            def handle(self) -> None:
                self.reply("220 sink.test ESMTP")
                sender, recipients = "", []
                while line := self.rfile.readline():
                    command = line.decode(errors="replace").rstrip("\r\n")
                    verb = command[:4].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 sink.test")
                    elif verb == "MAIL":
                        sender, recipients = command.partition(":")[2].strip().strip("<>"), []
                        self.reply("250 2.1.0 Ok")
                    elif verb == "RCPT":
                        address = command.partition(":")[2].strip().split()[0]
                        recipients.append(address.strip("<>"))
                        self.reply("250 2.1.5 Ok")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        body = []
                        while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                            body.append(data.decode(errors="replace"))
                        sink.messages.append(Received(sender, recipients, "".join(body)))
                        self.reply("250 2.0.0 Ok: queued")
                    elif verb == "QUIT":
                        self.reply("221 2.0.0 Bye")
                        return
                    else:  # RSET, NOOP
                        self.reply("250 2.0.0 Ok")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", self.port), Session)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "SmtpSink":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def wait_for(self, recipient: str, text: str = "", timeout: float = 30) -> Received:
        """The first message handed over for `recipient` (containing `text`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in list(self.messages):
                if recipient in message.recipients and text in message.data:
                    return message
            time.sleep(0.1)
        raise MailStackError(f"no message for {recipient} reached the sink on port {self.port}")
