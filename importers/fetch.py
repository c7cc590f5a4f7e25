"""Fetch a remote file for an import without letting the server reach private networks (HOSTILE_INPUTS B7).

``fetch(url)`` accepts only http(s) addresses. The host name is resolved once;
every address it resolves to must be globally routable (no 127/8, ::1, 10/8,
169.254.169.254, 100.64/10, IPv4-mapped or 6to4 disguises, …), and the
connection goes to that very address — the name is never resolved again, so a
DNS answer cannot change between the check and the connection (rebinding).
HTTPS keeps checking the certificate against the host name (SNI). Each
redirect (five at most) is checked the same way. Timeouts: 5 s to connect,
10 s between reads, 30 s in all. The body is capped after decompression
(gzip and deflate are inflated step by step, so a bomb stops at the cap).

Tests serve files from 127.0.0.1: they pass ``unsafe_allowed_networks`` (a
keyword-only argument that production code never passes; nothing reads it
from settings or the environment) together with a fake ``resolver``.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
import zlib
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

MAX_BYTES = 10_000_000
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
TOTAL_TIMEOUT = 30.0
USER_AGENT = "Lieudit/0.1 (import d'agenda)"
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024

Resolver = Callable[..., list[tuple[Any, ...]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """The address could not or may not be fetched; ``message`` is in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _embedded(address: IPAddress) -> list[IPAddress]:
    """The address plus any IPv4 address hidden inside an IPv6 one (mapped, 6to4, Teredo, NAT64)."""
    found: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            found.append(address.ipv4_mapped)
        if address.sixtofour:
            found.append(address.sixtofour)
        if address.teredo:
            found += list(address.teredo)
        if address in ipaddress.ip_network("64:ff9b::/96"):
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_public(address: IPAddress, allowed: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network] = ()) -> bool:
    """Tell whether an address is globally routable (or explicitly allowed by a test)."""
    if any(address in network for network in allowed):
        return True
    return all(a.is_global and not a.is_multicast for a in _embedded(address))


def _check_url(url: str) -> urllib.parse.SplitResult:
    if not isinstance(url, str) or len(url) > 2000 or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise FetchError("Adresse invalide : ni espace ni caractère de contrôle, 2 000 caractères au plus.")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("Seules les adresses http:// et https:// peuvent être importées.")
    if "@" in parts.netloc:
        raise FetchError("Adresse refusée : elle ne doit contenir ni identifiant ni mot de passe.")
    if not parts.hostname:
        raise FetchError("Adresse invalide : nom de domaine manquant.")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise FetchError("Adresse invalide : numéro de port incorrect.") from None
    return parts


def _resolve(host: str, port: int, resolver: Resolver, allowed: list[Any]) -> list[tuple[int, str]]:
    """Resolve once; refuse unless every address is public. Returns (family, address) pairs."""
    try:
        name = host.encode("idna").decode("ascii") if not host.isascii() else host
        infos = resolver(name, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        raise FetchError(f"Nom de domaine introuvable : {host[:80]}.") from None
    found: list[tuple[int, str]] = []
    for family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            raise FetchError(f"Adresse refusée : {host[:80]} ne mène pas à une adresse IP valide.") from None
        if not is_public(address, allowed):
            raise FetchError(f"Adresse refusée : {host[:80]} mène à un réseau privé ou local ({address}).")
        found.append((family, str(address)))
    if not found:
        raise FetchError(f"Nom de domaine introuvable : {host[:80]}.")
    return found


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to an already checked IP address; the Host header carries the name."""

    def __init__(self, address: str, port: int, *, connect_timeout: float, read_timeout: float) -> None:
        super().__init__(address, port, timeout=connect_timeout)
        self.read_timeout = read_timeout

    def connect(self) -> None:
        """Open the socket to the pinned address, then switch to the read timeout."""
        self.sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock.settimeout(self.read_timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """HTTPS to an already checked IP address, certificate checked against the host name (SNI)."""

    def __init__(
        self, address: str, port: int, *, server_hostname: str, context: ssl.SSLContext, **timeouts: float
    ) -> None:
        super().__init__(address, port, **timeouts)
        self.server_hostname, self.context = server_hostname, context

    def connect(self) -> None:
        """Open the socket to the pinned address and wrap it in TLS for the host name."""
        super().connect()
        plain = self.sock
        try:
            self.sock = self.context.wrap_socket(plain, server_hostname=self.server_hostname)
        except BaseException:
            plain.close()
            raise


def _read_body(
    response: http.client.HTTPResponse, sock: socket.socket | None, max_bytes: int, deadline: float, read_timeout: float
) -> bytes:
    """Read and inflate the body step by step, stopping at ``max_bytes`` or the deadline."""
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise FetchError(f"Encodage de contenu non pris en charge : {encoding[:30]}.")
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > max_bytes:
        raise FetchError(f"Fichier trop volumineux : {max_bytes // 1_000_000 or 1} Mo au plus.")
    inflater = None if encoding == "identity" else zlib.decompressobj(47 if "gzip" in encoding else zlib.MAX_WBITS)
    body, raw = bytearray(), 0
    too_big = FetchError(f"Fichier trop volumineux : {max_bytes // 1_000_000 or 1} Mo au plus.")
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError("Délai dépassé : le serveur met trop de temps à envoyer le fichier.")
        if sock is not None:
            sock.settimeout(min(read_timeout, remaining))
        chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
        if not chunk:
            break
        raw += len(chunk)
        if raw > max_bytes:
            raise too_big
        if inflater is None:
            body += chunk
        else:
            data = chunk
            while data:  # at most max_bytes + 1 out per step: a bomb never fills memory
                body += inflater.decompress(data, max_bytes - len(body) + 1)
                data = inflater.unconsumed_tail
                if len(body) > max_bytes:
                    raise too_big
        if len(body) > max_bytes:
            raise too_big
    if inflater is not None:
        body += inflater.flush(max_bytes - len(body) + 1)
    if len(body) > max_bytes:
        raise too_big
    return bytes(body)


def _request(
    parts: urllib.parse.SplitResult,
    addresses: list[tuple[int, str]],
    *,
    context: ssl.SSLContext | None,
    connect_timeout: float,
    read_timeout: float,
    max_bytes: int,
    deadline: float,
) -> tuple[int, str | None, bytes]:
    """One GET to the first reachable checked address: (status, Location, body)."""
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    host = parts.hostname or ""
    default_port = port == (443 if https else 80)
    host_header = (f"[{host}]" if ":" in host else host) + ("" if default_port else f":{port}")
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    last_error: Exception | None = None
    for _family, address in addresses:
        timeouts = {
            "connect_timeout": min(connect_timeout, max(deadline - time.monotonic(), 0.01)),
            "read_timeout": read_timeout,
        }
        if https:
            connection: _PinnedHTTPConnection = _PinnedHTTPSConnection(
                address, port, server_hostname=host, context=context or ssl.create_default_context(), **timeouts
            )
        else:
            connection = _PinnedHTTPConnection(address, port, **timeouts)
        try:
            connection.request("GET", path, headers={"Host": host_header, "User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5",
                                                     "Accept-Encoding": "gzip, deflate", "Connection": "close"})  # fmt: skip
            sock = connection.sock  # getresponse() forgets it when the server closes after the body
            response = connection.getresponse()
            try:
                if response.status in _REDIRECTS:
                    return response.status, response.getheader("Location"), b""
                if response.status != 200:
                    return response.status, None, b""
                return response.status, None, _read_body(response, sock, max_bytes, deadline, read_timeout)
            finally:
                response.close()
        except ssl.SSLError as error:
            raise FetchError("Connexion sécurisée impossible : certificat invalide ou refusé.") from error
        except TimeoutError as error:
            raise FetchError("Délai dépassé : le serveur ne répond pas assez vite.") from error
        except http.client.HTTPException as error:
            raise FetchError("Réponse du serveur invalide.") from error
        except OSError as error:  # refused, unreachable: try the next address
            last_error = error
        finally:
            connection.close()
    raise FetchError("Connexion impossible au serveur.") from last_error


def fetch(
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    resolver: Resolver = socket.getaddrinfo,
    context: ssl.SSLContext | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    unsafe_allowed_networks: Iterable[str] = (),
) -> bytes:
    """GET a public http(s) address and return its body; raise FetchError (French message) otherwise.

    ``unsafe_allowed_networks`` exists for tests serving on 127.0.0.1 only: never pass it from user input or settings.
    """
    allowed = [ipaddress.ip_network(n) for n in unsafe_allowed_networks]
    deadline = time.monotonic() + total_timeout
    for _hop in range(MAX_REDIRECTS + 1):
        parts = _check_url(url)
        https = parts.scheme.lower() == "https"
        addresses = _resolve(parts.hostname or "", parts.port or (443 if https else 80), resolver, allowed)
        status, location, body = _request(parts, addresses, context=context, connect_timeout=connect_timeout,
                                          read_timeout=read_timeout, max_bytes=max_bytes, deadline=deadline)  # fmt: skip
        if status == 200:
            return body
        if status not in _REDIRECTS:
            raise FetchError(f"Le serveur a répondu par une erreur ({status}).")
        if not location:
            raise FetchError("Redirection sans adresse de destination.")
        url = urllib.parse.urljoin(url, location.strip())
        if time.monotonic() > deadline:
            raise FetchError("Délai dépassé : le serveur met trop de temps à répondre.")
    raise FetchError(f"Trop de redirections : {MAX_REDIRECTS} au plus.")
