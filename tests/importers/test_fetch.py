"""The safe fetcher (HOSTILE_INPUTS B7-62..65), without the internet: fake resolvers and a server on 127.0.0.1."""

from __future__ import annotations

import gzip
import http.server
import socket
import ssl
import threading
import time
from collections.abc import Iterator

import pytest

from importers.fetch import FetchError
from importers.fetch import fetch

CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
BOMB = gzip.compress(b"\0" * 20_000_000, compresslevel=9)
LOOPBACK = ["127.0.0.1/32"]


def resolver_to(*addresses: str):
    """A resolver answering every name with ``addresses`` (and recording the names asked)."""

    def resolve(host, port, *args, **kwargs):
        resolve.asked.append(host)
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    resolve.asked = []
    return resolve


def mapping_resolver(table: dict[str, str]):
    def resolve(host, port, *args, **kwargs):
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (table[host], port))]

    return resolve


def numeric_only(host, port, *args, **kwargs):
    """The system resolver, forbidden to ask DNS: it only parses numeric forms (2130706433, 0177.0.0.1…)."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)


def never(*args, **kwargs):
    raise AssertionError("must be refused before resolving")


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        self.server.hosts.append(self.headers["Host"])
        port = self.server.server_address[1]
        routes = {
            "/agenda.ics": lambda: self.send(200, CALENDAR, Content_Type="text/calendar"),
            "/gzip.ics": lambda: self.send(200, gzip.compress(CALENDAR), Content_Encoding="gzip"),
            "/bomb.ics": lambda: self.send(200, BOMB, Content_Encoding="gzip"),
            "/big.ics": lambda: self.send(200, b"x" * 2_000_000),
            "/r1": lambda: self.send(302, Location="/r2"),
            "/r2": lambda: self.send(301, Location=f"http://autre.example:{port}/agenda.ics"),
            "/to-intranet": lambda: self.send(302, Location=f"http://intranet.example:{port}/agenda.ics"),
            "/to-file": lambda: self.send(302, Location="file:///etc/passwd"),
            "/loop": lambda: self.send(302, Location="/loop"),
            "/missing": lambda: self.send(404, b"non"),
        }
        if self.path == "/slow":
            self.send_response(200)
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
            return
        if self.path == "/unsized":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"y" * 2_000_000)
            return
        routes.get(self.path, lambda: self.send(404))()


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the fetcher hangs up on purpose (caps, timeouts): broken pipes are expected


@pytest.fixture(scope="module")
def server() -> Iterator[http.server.ThreadingHTTPServer]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.hosts = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def local(server, path: str, **kwargs) -> bytes:
    resolver = mapping_resolver(
        {"agenda.example": "127.0.0.1", "autre.example": "127.0.0.1", "intranet.example": "10.0.0.7"}
    )
    return fetch(
        f"http://agenda.example:{server.server_address[1]}{path}",
        resolver=resolver,
        unsafe_allowed_networks=LOOPBACK,
        **kwargs,
    )


# --- refused before any connection ---------------------------------------------------------------


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_FLUSHALL", "ftp://exemple.fr/a.ics",
                                 "javascript:alert(1)", "data:text/calendar,BEGIN", "dict://127.0.0.1:11211/", "exemple.fr/a.ics",
                                 "http://user:pass@exemple.fr/", "http://exemple.fr:99999/", "http://exemple.fr/a b",
                                 "http://exemple.fr/\r\nX-Evil: 1", "http:///nohost"])  # fmt: skip
def test_bad_urls_are_refused_before_resolving(url):
    with pytest.raises(FetchError) as error:
        fetch(url, resolver=never)
    assert error.value.message


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "10.1.2.3", "172.16.5.4", "192.168.1.1",
                                     "169.254.169.254", "100.64.0.1", "224.0.0.1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
                                     "fc00::1", "fe80::1", "2002:7f00:1::1", "64:ff9b::a00:1", "::"])  # fmt: skip
def test_private_addresses_are_refused(address):
    resolver = resolver_to(address)
    with pytest.raises(FetchError, match="réseau privé ou local"):
        fetch("https://calendrier.example/agenda.ics", resolver=resolver)
    assert resolver.asked == ["calendrier.example"]


def test_one_private_address_among_public_ones_is_enough_to_refuse():
    with pytest.raises(FetchError, match="réseau privé"):
        fetch("http://calendrier.example/", resolver=resolver_to("93.184.216.34", "127.0.0.1"))


@pytest.mark.parametrize("host", ["2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.1", "[::1]", "[::ffff:7f00:1]", "0"])
def test_numeric_disguises_of_loopback_are_normalised_and_refused(host):
    with pytest.raises(FetchError):
        fetch(f"http://{host}/agenda.ics", resolver=numeric_only)


B7_62 = ["http://127.0.0.1:5000/admin", "http://localhost", "http://[::1]", "http://0.0.0.0", "http://169.254.169.254/latest/meta-data",
         "http://100.64.0.1", "http://10.0.0.1", "http://[::ffff:127.0.0.1]", "http://2130706433", "http://0177.0.0.1",
         "file:///etc/passwd", "gopher://", "ftp://"]  # fmt: skip


@pytest.mark.parametrize("url", B7_62)
def test_every_b7_62_target_is_refused(url):
    def resolve(host, port, *args, **kwargs):
        return resolver_to("127.0.0.1")(host, port) if host == "localhost" else numeric_only(host, port)

    with pytest.raises(FetchError):
        fetch(url, resolver=resolve)


def test_unknown_host_is_a_clear_error():
    with pytest.raises(FetchError, match="introuvable"):
        fetch("http://nulle-part.example/", resolver=mapping_resolver({}))


# --- against a local server --------------------------------------------------------------------


def test_fetch_pins_the_checked_address_and_sends_the_host_name(server):
    assert local(server, "/agenda.ics") == CALENDAR
    assert server.hosts[-1] == f"agenda.example:{server.server_address[1]}"


def test_dns_rebinding_cannot_change_the_address_after_the_check(server):
    answers = iter(["127.0.0.1", "10.0.0.1", "10.0.0.1"])  # a second lookup would get a private address

    def rebinding(host, port, *args, **kwargs):
        rebinding.calls += 1
        return resolver_to(next(answers))(host, port)

    rebinding.calls = 0
    assert (
        fetch(
            f"http://rebind.example:{server.server_address[1]}/agenda.ics",
            resolver=rebinding,
            unsafe_allowed_networks=LOOPBACK,
        )
        == CALENDAR
    )
    assert rebinding.calls == 1


def test_the_test_hook_is_needed_for_loopback(server):
    with pytest.raises(FetchError, match="réseau privé"):
        fetch(
            f"http://agenda.example:{server.server_address[1]}/agenda.ics",
            resolver=mapping_resolver({"agenda.example": "127.0.0.1"}),
        )


def test_redirects_are_followed_and_each_hop_checked(server):
    assert local(server, "/r1") == CALENDAR
    assert server.hosts[-1].startswith("autre.example:")
    with pytest.raises(FetchError, match="réseau privé"):
        local(server, "/to-intranet")
    with pytest.raises(FetchError, match="http"):
        local(server, "/to-file")
    with pytest.raises(FetchError, match="redirections"):
        local(server, "/loop")


def test_gzip_is_inflated_and_a_bomb_stops_at_the_cap(server):
    assert local(server, "/gzip.ics") == CALENDAR
    started = time.perf_counter()
    with pytest.raises(FetchError, match="trop volumineux"):
        local(server, "/bomb.ics", max_bytes=1_000_000)
    assert time.perf_counter() - started < 2


def test_size_cap_with_and_without_content_length(server):
    with pytest.raises(FetchError, match="trop volumineux"):
        local(server, "/big.ics", max_bytes=1_000_000)
    with pytest.raises(FetchError, match="trop volumineux"):
        local(server, "/unsized", max_bytes=1_000_000)
    assert len(local(server, "/big.ics")) == 2_000_000


def test_total_timeout(server):
    started = time.perf_counter()
    with pytest.raises(FetchError, match="Délai"):
        local(server, "/slow", total_timeout=0.5)
    assert time.perf_counter() - started < 1.5


def test_http_errors(server):
    with pytest.raises(FetchError, match="404"):
        local(server, "/missing")


def test_https_checks_the_certificate_for_the_name_on_the_pinned_address(server):
    seen = {}

    class RecordingContext(ssl.SSLContext):
        def wrap_socket(self, sock, *args, server_hostname=None, **kwargs):
            seen.update(server_hostname=server_hostname, peer=sock.getpeername()[0])
            raise ssl.SSLCertVerificationError("certificate verify failed")

    resolver = mapping_resolver({"agenda.example": "127.0.0.1"})
    with pytest.raises(FetchError, match="certificat"):
        fetch(f"https://agenda.example:{server.server_address[1]}/agenda.ics", resolver=resolver,
              context=RecordingContext(ssl.PROTOCOL_TLS_CLIENT), unsafe_allowed_networks=LOOPBACK)  # fmt: skip
    assert seen == {"server_hostname": "agenda.example", "peer": "127.0.0.1"}
