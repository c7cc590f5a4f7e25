"""A real SMTP server for tests: aiosmtpd on a free local port, keeping every message it receives."""

from __future__ import annotations

import threading
import time
from email import message_from_bytes
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.support.nodes import free_port


class _Collector:
    """aiosmtpd handler that keeps each message, parsed; it refuses for good any address at ``refused.example``."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.arrived = threading.Condition()

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.arrived:
            self.messages.append(message)  # type: ignore[arg-type]
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


class _Authenticator:
    """Accept one login and password (aiosmtpd's authenticator protocol)."""

    def __init__(self, login: str, password: str) -> None:
        self._expected = (login.encode(), password.encode())

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        given = (getattr(auth_data, "login", None), getattr(auth_data, "password", None))
        return AuthResult(success=given == self._expected, handled=False)


class SMTPServer:
    """A local SMTP server started by a test (``with SMTPServer() as smtp``)."""

    def __init__(self, *, login: tuple[str, str] | None = None) -> None:
        self.port = free_port()
        self._collector = _Collector()
        options: dict[str, Any] = {}
        if login is not None:
            # AUTH over a plain connection: the test checks that the wiki logs in, not TLS.
            options = {"authenticator": _Authenticator(*login), "auth_require_tls": False}
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=self.port, **options)

    def __enter__(self) -> SMTPServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message received so far."""
        return list(self._collector.messages)

    def settings(self) -> dict[str, Any]:
        """The app settings that send mail to this server."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "BASE_URL": "http://wiki.test"}

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until ``count`` messages arrived in all; return them all."""
        deadline = time.monotonic() + timeout
        with self._collector.arrived:
            while len(self._collector.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self._collector.messages)} message(s) received, {count} expected")
                self._collector.arrived.wait(left)
            return list(self._collector.messages)


def body_of(message: EmailMessage) -> str:
    """The plain-text body of a received message."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")
