"""Fetching user-given URLs from public addresses only, within size, time and hop limits.

    PublicFetcher.fetch(url)
    ├── the URL is parsed and checked: allowed scheme, no user name or password
    ├── an httpcore pool whose network backend is a VettingBackend: every connection
    │   resolves the host once, checks EVERY address (AddressGuard) and connects to a
    │   vetted IP, while the Host header and TLS SNI keep the name; nothing resolves the
    │   name again later, so DNS rebinding cannot swap the address after the check
    ├── redirects followed by hand, at most ``max_redirects``, each hop checked again
    ├── non-2xx answers refused; the body read up to ``max_bytes`` and no further
    └── the whole fetch bounded by ``timeout``

Refusals and failures are raised inside as ``InvalidRequest(reason)`` and given the
caller's field name at the public methods, the only place that knows it.
httpx 0.28 cannot take a network backend, so the pool is httpcore's own, and httpx is
used only to parse and join URLs.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from ipaddress import ip_address
from typing import TypeVar

import httpcore
import httpx

from vidgate.domain.errors import InvalidImage, InvalidRequest
from vidgate.net.addresses import IPAddress, why_not_public
from vidgate.net.tls import client_ssl_context

Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]
"""``(host, port) -> addresses``; raises OSError when the name does not resolve."""

_T = TypeVar("_T")
_DEFAULT_PORTS = {"https": 443, "http": 80}
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_REQUEST_HEADERS = [
    (b"User-Agent", b"vidgate"),
    (b"Accept", b"image/*"),
    (b"Accept-Encoding", b"identity"),
]


async def resolve_with_getaddrinfo(host: str, port: int) -> list[IPAddress]:
    """The system resolver, off the event loop; addresses in its order, without repeats."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found = (
        ip_address(sockaddr[0])
        for family, _, _, _, sockaddr in infos
        if family in (socket.AF_INET, socket.AF_INET6)
    )
    return list(dict.fromkeys(found))


@dataclasses.dataclass(frozen=True, slots=True)
class FetchedFile:
    data: bytes = dataclasses.field(repr=False)
    content_type: str | None
    final_url: str


class AddressGuard:
    """Resolves a host and hands back its addresses only if every one of them is public.

    A host named in ``allowed_hosts`` (the literal host of the URL, a name or an IP) is
    exempt: an explicit operator or test allowlist.
    """

    def __init__(self, resolver: Resolver, allowed_hosts: Iterable[str] = ()) -> None:
        self._resolve = resolver
        self._allowed_hosts = frozenset(host.lower() for host in allowed_hosts)

    async def vetted_addresses(self, host: str, port: int) -> tuple[IPAddress, ...]:
        literal = _ip_literal(host)
        addresses = (literal,) if literal is not None else await self._resolved(host, port)
        if host.lower() in self._allowed_hosts:
            return addresses
        for address in addresses:
            reason = why_not_public(address)
            if reason is not None:
                where = f"{host} is" if literal is not None else f"{host} resolves to {address},"
                raise InvalidRequest(f"refused: {where} {reason}")
        return addresses

    async def _resolved(self, host: str, port: int) -> tuple[IPAddress, ...]:
        try:
            addresses = tuple(await self._resolve(host, port))
        except (OSError, UnicodeError) as exc:
            raise InvalidRequest(f"refused: {host} does not resolve") from exc
        if not addresses:
            raise InvalidRequest(f"refused: {host} does not resolve")
        return addresses


class VettingBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses the guard vetted."""

    def __init__(self, guard: AddressGuard, inner: httpcore.AsyncNetworkBackend) -> None:
        self._guard = guard
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        *fallbacks, last = await self._guard.vetted_addresses(host, port)
        connect = functools.partial(
            self._inner.connect_tcp,
            port=port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )
        for address in fallbacks:
            with contextlib.suppress(httpcore.ConnectError):
                return await connect(str(address))
        return await connect(str(last))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PublicFetcher:
    """GETs user-given URLs, refusing anything that is not on a public address.

    ``network_backend`` is the real socket layer under the vetting (tests pass a spy).
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_bytes: int = 20 * 1024 * 1024,
        max_redirects: int = 3,
        allowed_hosts: frozenset[str] = frozenset(),
        resolver: Resolver | None = None,
        schemes: frozenset[str] = frozenset({"https", "http"}),
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._schemes = schemes
        self._guard = AddressGuard(resolver or resolve_with_getaddrinfo, allowed_hosts)
        self._network_backend = network_backend
        self._made_pool: httpcore.AsyncConnectionPool | None = None

    async def fetch(self, url: str, *, field: str) -> FetchedFile:
        """The body of ``url``; raises InvalidImage naming ``field`` on any refusal."""
        try:
            return await self._bounded(self._follow_redirects(url))
        except InvalidRequest as exc:
            raise InvalidImage(f"{field}: {exc.message}", field=field) from exc

    async def check_target(self, url: str, *, field: str) -> None:
        """Check scheme, host and addresses of ``url`` without fetching it (webhooks).

        Raises InvalidRequest naming ``field``: the URL is not an image, so not InvalidImage.
        """
        try:
            target = self._checked_url(url)
            await self._bounded(self._guard.vetted_addresses(_host(target), _port(target)))
        except InvalidRequest as exc:
            raise InvalidRequest(f"{field}: {exc.message}", field=field) from exc

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST ``body`` to a vetted public address, without following redirects; the
        answer's status code (its body is read up to ``max_bytes`` and dropped).

        Raises InvalidRequest when the target is refused or the exchange fails."""
        target = self._checked_url(url)
        request_headers = [
            (b"Host", target.netloc),
            (b"User-Agent", b"vidgate-webhooks"),
            (b"Content-Type", b"application/json"),
            *((k.encode(), v.encode()) for k, v in headers.items()),
        ]

        async def exchange() -> int:
            async with self._pool.stream(
                "POST", _core_url(target), headers=request_headers, content=body
            ) as response:
                await self._read_body(response)
                return response.status

        return await self._bounded(exchange())

    async def aclose(self) -> None:
        if self._made_pool is not None:
            await self._made_pool.aclose()

    @property
    def _pool(self) -> httpcore.AsyncConnectionPool:
        """Made on the first request: most servers never fetch a URL."""
        if self._made_pool is None:
            self._made_pool = httpcore.AsyncConnectionPool(
                ssl_context=client_ssl_context(),
                network_backend=VettingBackend(
                    self._guard, self._network_backend or httpcore.AnyIOBackend()
                ),
                max_connections=100,
                max_keepalive_connections=20,
                keepalive_expiry=5.0,
            )
        return self._made_pool

    async def _bounded(self, work: Awaitable[_T]) -> _T:
        """``work`` within the time limit, with network failures as InvalidRequest."""
        try:
            async with asyncio.timeout(self._timeout):
                return await work
        except (TimeoutError, httpcore.TimeoutException) as exc:
            raise InvalidRequest(f"no complete answer within {self._timeout:g} s") from exc
        except httpcore.ConnectError as exc:
            raise InvalidRequest("could not connect to the server") from exc
        except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise InvalidRequest("the server broke the connection or the HTTP protocol") from exc

    async def _follow_redirects(self, url: str) -> FetchedFile:
        target = self._checked_url(url)
        redirects = 0
        while True:
            async with self._pool.stream(
                "GET", _core_url(target), headers=_request_headers(target)
            ) as response:
                location = _redirect_location(response)
                if location is None:
                    return await self._read(response, target)
            if redirects == self._max_redirects:
                raise InvalidRequest(f"refused: more than {self._max_redirects} redirects")
            redirects += 1
            target = self._checked_url(_joined(target, location))

    def _checked_url(self, url: str | httpx.URL) -> httpx.URL:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise InvalidRequest(f"refused: not a valid URL ({exc})") from exc
        if parsed.scheme not in self._schemes:
            accepted = " or ".join(sorted(self._schemes, reverse=True))
            raise InvalidRequest(f"refused: only {accepted} URLs are accepted")
        if parsed.userinfo:
            raise InvalidRequest("refused: URLs with a user name or password are not accepted")
        if not parsed.raw_host:
            raise InvalidRequest("refused: the URL has no host")
        return parsed

    async def _read(self, response: httpcore.Response, target: httpx.URL) -> FetchedFile:
        if not 200 <= response.status < 300:
            raise InvalidRequest(f"{target.host} answered HTTP {response.status}")
        body = await self._read_body(response)
        return FetchedFile(body, _header(response, b"content-type"), str(target))

    async def _read_body(self, response: httpcore.Response) -> bytes:
        declared = _content_length(response)
        if declared is not None and declared > self._max_bytes:
            raise self._too_large(f"{declared} bytes (Content-Length)")
        body = bytearray()
        async for chunk in response.aiter_stream():
            body += chunk
            if len(body) > self._max_bytes:
                raise self._too_large(f"more than {self._max_bytes} bytes")
        return bytes(body)

    def _too_large(self, size: str) -> InvalidRequest:
        return InvalidRequest(f"refused: the file is {size}; at most {self._max_bytes} allowed")


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ip_address(host)
    except ValueError:
        return None


def _host(url: httpx.URL) -> str:
    return url.raw_host.decode("ascii")


def _port(url: httpx.URL) -> int:
    return url.port or _DEFAULT_PORTS[url.scheme]


def _joined(base: httpx.URL, location: str) -> httpx.URL:
    try:
        return base.join(location)
    except httpx.InvalidURL as exc:
        raise InvalidRequest(f"refused: the redirect location is not a valid URL ({exc})") from exc


def _core_url(url: httpx.URL) -> httpcore.URL:
    return httpcore.URL(
        scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
    )


def _request_headers(url: httpx.URL) -> list[tuple[bytes, bytes]]:
    """httpx's netloc brackets IPv6 hosts and omits the default port, as Host must."""
    return [(b"Host", url.netloc), *_REQUEST_HEADERS]


def _header(response: httpcore.Response, name: bytes) -> str | None:
    values = (value for key, value in response.headers if key.lower() == name)
    value = next(values, None)
    return None if value is None else value.decode("latin-1")


def _redirect_location(response: httpcore.Response) -> str | None:
    if response.status not in _REDIRECT_STATUSES:
        return None
    return _header(response, b"location")


def _content_length(response: httpcore.Response) -> int | None:
    value = _header(response, b"content-length")
    try:
        return None if value is None else int(value)
    except ValueError:
        return None
