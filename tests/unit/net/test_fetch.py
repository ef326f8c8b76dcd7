"""PublicFetcher against a fake resolver, a spy socket layer and a raw HTTP server on 127.0.0.1.

No test sends a byte beyond loopback: the spy backend opens real sockets only to
127.0.0.1 and ::1 and hands back an in-memory stream for any other address, recording
what would have been sent.
"""

# The spy stream and backend keep httpcore's signatures, timeout parameters included.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from ipaddress import ip_address
from typing import Any

import httpcore
import pytest
from PIL import Image

from vidgate.domain.errors import InvalidImage, InvalidRequest
from vidgate.net.addresses import IPAddress
from vidgate.net.fetch import PublicFetcher

LOOPBACK = frozenset({"127.0.0.1", "::1"})
PUBLIC_IP = "93.184.216.34"
MAX_BYTES = 100_000
ENDLESS_BODY_CAP = 256 * 1024 * 1024


def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = png_bytes()


# --- a resolver that answers from a table -------------------------------------------


class FakeResolver:
    """Answers from a table; a host with several answers gives them in turn (rebinding)."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self._answers = {host: list(queue) for host, queue in answers.items()}
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.calls.append(host)
        queue = self._answers.get(host)
        if queue is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return [ip_address(address) for address in answer]


def table() -> dict[str, list[list[str]]]:
    return {
        "evil.test": [["10.0.0.1"]],
        "metadata.test": [["169.254.169.254"]],
        "mapped.test": [["::ffff:10.0.0.1"]],
        "mixed.test": [[PUBLIC_IP, "10.0.0.1"]],
        "rebind.test": [[PUBLIC_IP], ["10.0.0.1"]],
        "cdn.test": [[PUBLIC_IP]],
        "images.test": [["127.0.0.1"]],
        "multi.test": [["198.51.100.1", "127.0.0.1"]],
    }


# --- a socket layer that records every connection ------------------------------------


@dataclass
class RecordingStream(httpcore.AsyncNetworkStream):
    """Stands in for a connection to a non-loopback address: records, sends nothing."""

    written: bytearray = field(default_factory=bytearray)
    tls_server_names: list[str | None] = field(default_factory=list)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        raise httpcore.ReadError("spy stream: nothing to read")

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.written += buffer

    async def aclose(self) -> None:
        return None

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.tls_server_names.append(server_hostname)
        raise httpcore.ConnectError("spy stream: no TLS")


class SpyBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, unreachable: Iterable[str] = ()) -> None:
        self.connects: list[tuple[str, int]] = []
        self.streams: list[RecordingStream] = []
        self._unreachable = frozenset(unreachable)
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        if host in self._unreachable:
            raise httpcore.ConnectError(f"spy: {host} is unreachable")
        if host in LOOPBACK:
            return await self._real.connect_tcp(host, port, timeout=timeout)
        self.streams.append(RecordingStream())
        return self.streams[-1]

    async def sleep(self, seconds: float) -> None:
        await self._real.sleep(seconds)


# --- a raw HTTP/1.1 server on 127.0.0.1 ----------------------------------------------


@dataclass(frozen=True)
class ReceivedRequest:
    path: str
    headers: dict[str, str]


Handler = Callable[["LocalServer", asyncio.StreamWriter], Awaitable[None]]


class LocalServer:
    """One request per connection; routes map a path to a handler writing the answer."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.received: list[ReceivedRequest] = []
        self.body_bytes_sent = 0
        self._handlers: set[asyncio.Task[Any]] = set()
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    async def settle(self) -> None:
        """Wait for the handlers still running (e.g. streaming to a client that left)."""
        if self._handlers:
            await asyncio.wait_for(asyncio.gather(*self._handlers), timeout=10)

    async def stop(self) -> None:
        for task in self._handlers:
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            request = await _read_request(reader)
            self.received.append(request)
            await self.routes.get(request.path, not_found)(self, writer)
        except ConnectionError:
            pass  # the client hung up, as the size tests expect it to
        finally:
            self._handlers.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


async def _read_request(reader: asyncio.StreamReader) -> ReceivedRequest:
    request_line = (await reader.readline()).decode("latin-1")
    headers: dict[str, str] = {}
    while (line := (await reader.readline()).decode("latin-1").strip()) != "":
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return ReceivedRequest(path=request_line.split(" ")[1], headers=headers)


async def write_head(
    writer: asyncio.StreamWriter, status: int, headers: Sequence[tuple[str, str]]
) -> None:
    lines = [f"HTTP/1.1 {status} Status", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    await writer.drain()


def serves(body: bytes, content_type: str = "image/png", status: int = 200) -> Handler:
    async def handler(server: LocalServer, writer: asyncio.StreamWriter) -> None:
        head = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        await write_head(writer, status, head)
        writer.write(body)
        await writer.drain()

    return handler


def redirects_to(location: str, status: int = 302) -> Handler:
    async def handler(server: LocalServer, writer: asyncio.StreamWriter) -> None:
        await write_head(writer, status, [("Location", location), ("Content-Length", "0")])

    return handler


def streams_forever(declared_length: int | None) -> Handler:
    """A body that never ends (up to 256 MiB), chunked or under a Content-Length."""

    async def handler(server: LocalServer, writer: asyncio.StreamWriter) -> None:
        framing = (
            ("Content-Length", str(declared_length))
            if declared_length is not None
            else ("Transfer-Encoding", "chunked")
        )
        await write_head(writer, 200, [("Content-Type", "image/png"), framing])
        chunk = b"x" * 65536
        while server.body_bytes_sent < ENDLESS_BODY_CAP:
            framed = chunk if declared_length else b"%x\r\n%b\r\n" % (len(chunk), chunk)
            writer.write(framed)
            await writer.drain()
            server.body_bytes_sent += len(chunk)

    return handler


async def never_answers(server: LocalServer, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(60)


async def not_found(server: LocalServer, writer: asyncio.StreamWriter) -> None:
    await serves(b"no such thing", "text/plain", status=404)(server, writer)


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture
async def server() -> AsyncIterator[LocalServer]:
    local = LocalServer()
    await local.start()
    local.routes["/cat.png"] = serves(PNG)
    yield local
    await local.stop()


@pytest.fixture
def resolver() -> FakeResolver:
    return FakeResolver(table())


@pytest.fixture
def spy() -> SpyBackend:
    return SpyBackend(unreachable={"198.51.100.1"})


MakeFetcher = Callable[..., PublicFetcher]


@pytest.fixture
async def make_fetcher(resolver: FakeResolver, spy: SpyBackend) -> AsyncIterator[MakeFetcher]:
    made: list[PublicFetcher] = []

    def make(**options: Any) -> PublicFetcher:
        options.setdefault("resolver", resolver)
        options.setdefault("allowed_hosts", frozenset({"127.0.0.1"}))
        options.setdefault("max_bytes", MAX_BYTES)
        made.append(PublicFetcher(network_backend=spy, **options))
        return made[-1]

    yield make
    for fetcher in made:
        await fetcher.aclose()


@pytest.fixture
def fetcher(make_fetcher: MakeFetcher) -> PublicFetcher:
    return make_fetcher()


async def refusal(fetcher: PublicFetcher, url: str) -> str:
    with pytest.raises(InvalidImage) as caught:
        await fetcher.fetch(url, field="image_url")
    assert caught.value.field == "image_url"
    return caught.value.message


# --- refusals before any connection --------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["ftp://cdn.test/a.png", "file:///etc/passwd", "javascript:alert(1)", "cdn.test/a.png"],
)
async def test_other_schemes_are_refused_before_resolving(
    fetcher: PublicFetcher, resolver: FakeResolver, spy: SpyBackend, url: str
) -> None:
    message = await refusal(fetcher, url)
    assert message == "image_url: refused: only https or http URLs are accepted"
    assert resolver.calls == [] and spy.connects == []


async def test_https_only_fetcher_refuses_http(make_fetcher: MakeFetcher, spy: SpyBackend) -> None:
    fetcher = make_fetcher(schemes=frozenset({"https"}))
    message = await refusal(fetcher, "http://cdn.test/a.png")
    assert message == "image_url: refused: only https URLs are accepted"
    assert spy.connects == []


@pytest.mark.parametrize(
    "url", ["https://user:secret@cdn.test/a.png", "https://user@cdn.test/a.png"]
)
async def test_urls_with_credentials_are_refused(
    fetcher: PublicFetcher, resolver: FakeResolver, spy: SpyBackend, url: str
) -> None:
    message = await refusal(fetcher, url)
    assert message == ("image_url: refused: URLs with a user name or password are not accepted")
    assert resolver.calls == [] and spy.connects == []


async def test_malformed_url_is_refused(fetcher: PublicFetcher, spy: SpyBackend) -> None:
    message = await refusal(fetcher, "https://[::1/a.png")
    assert message.startswith("image_url: refused: not a valid URL")
    assert spy.connects == []


async def test_url_without_host_is_refused(fetcher: PublicFetcher) -> None:
    assert await refusal(fetcher, "https:///a.png") == "image_url: refused: the URL has no host"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://evil.test/a.png", "evil.test resolves to 10.0.0.1, a private address"),
        (
            "http://metadata.test/latest/meta-data/",
            "metadata.test resolves to 169.254.169.254, a cloud metadata address",
        ),
        (
            "http://mapped.test/a.png",
            # str() of a mapped address changed in Python 3.13: ::ffff:a00:1 -> ::ffff:10.0.0.1
            f"mapped.test resolves to {ip_address('::ffff:10.0.0.1')}, "
            "an IPv4-mapped address of 10.0.0.1, a private address",
        ),
        ("http://mixed.test/a.png", "mixed.test resolves to 10.0.0.1, a private address"),
    ],
)
async def test_names_resolving_to_non_public_addresses_are_refused_without_connecting(
    fetcher: PublicFetcher, spy: SpyBackend, url: str, reason: str
) -> None:
    assert await refusal(fetcher, url) == f"image_url: refused: {reason}"
    assert spy.connects == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/", "169.254.169.254 is a cloud metadata address"),
        ("http://10.1.2.3:8080/a.png", "10.1.2.3 is a private address"),
        ("http://0.0.0.0/a.png", "0.0.0.0 is a 'this network' address"),
        ("http://[::]/a.png", ":: is the unspecified address"),
        ("http://[::1]/a.png", "::1 is a loopback address"),
        ("http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address"),
        (
            "http://[::ffff:127.0.0.1]/",
            "::ffff:127.0.0.1 is an IPv4-mapped address of 127.0.0.1, a loopback address",
        ),
    ],
)
async def test_ip_literals_are_checked_without_resolving_or_connecting(
    fetcher: PublicFetcher, resolver: FakeResolver, spy: SpyBackend, url: str, reason: str
) -> None:
    assert await refusal(fetcher, url) == f"image_url: refused: {reason}"
    assert resolver.calls == [] and spy.connects == []


async def test_numeric_host_forms_are_judged_by_what_they_resolve_to(
    make_fetcher: MakeFetcher, spy: SpyBackend
) -> None:
    fetcher = make_fetcher(resolver=None)  # the system resolver; numeric, so no DNS query
    message = await refusal(fetcher, "http://2130706433/a.png")
    assert message == "image_url: refused: 2130706433 resolves to 127.0.0.1, a loopback address"
    assert spy.connects == []


async def test_unresolvable_name_is_refused(fetcher: PublicFetcher, spy: SpyBackend) -> None:
    message = await refusal(fetcher, "https://nowhere.test/a.png")
    assert message == "image_url: refused: nowhere.test does not resolve"
    assert spy.connects == []


# --- the connection goes to the vetted address ---------------------------------------


async def test_rebinding_after_the_check_is_caught_at_connect_time(
    fetcher: PublicFetcher, spy: SpyBackend
) -> None:
    await fetcher.check_target("http://rebind.test/a.png", field="image_url")  # public
    message = await refusal(fetcher, "http://rebind.test/a.png")  # now private
    assert message == "image_url: refused: rebind.test resolves to 10.0.0.1, a private address"
    assert spy.connects == []


async def test_connection_is_pinned_to_the_vetted_address_and_keeps_the_name(
    fetcher: PublicFetcher, resolver: FakeResolver, spy: SpyBackend
) -> None:
    message = await refusal(fetcher, "http://rebind.test/a.png")  # public on first answer
    assert message == "image_url: the server broke the connection or the HTTP protocol"
    assert resolver.calls == ["rebind.test"]  # resolved once; nothing resolves it again
    assert spy.connects == [(PUBLIC_IP, 80)]
    assert spy.streams[0].written.startswith(b"GET /a.png HTTP/1.1\r\nHost: rebind.test\r\n")


async def test_tls_is_started_with_the_name_not_the_address(
    fetcher: PublicFetcher, spy: SpyBackend
) -> None:
    message = await refusal(fetcher, "https://cdn.test/a.png")
    assert message == "image_url: could not connect to the server"
    assert spy.connects == [(PUBLIC_IP, 443)]
    assert spy.streams[0].tls_server_names == ["cdn.test"]


async def test_allowlisted_name_is_fetched_from_its_vetted_address_with_its_host_header(
    make_fetcher: MakeFetcher, server: LocalServer, spy: SpyBackend
) -> None:
    fetcher = make_fetcher(allowed_hosts=frozenset({"images.test"}))
    fetched = await fetcher.fetch(f"http://images.test:{server.port}/cat.png", field="image")
    assert fetched.data == PNG
    assert spy.connects == [("127.0.0.1", server.port)]
    assert server.received[0].headers["host"] == f"images.test:{server.port}"


async def test_next_vetted_address_is_tried_when_one_is_unreachable(
    make_fetcher: MakeFetcher, server: LocalServer, spy: SpyBackend
) -> None:
    fetcher = make_fetcher(allowed_hosts=frozenset({"multi.test"}))
    fetched = await fetcher.fetch(f"http://multi.test:{server.port}/cat.png", field="image")
    assert fetched.data == PNG
    assert spy.connects == [("198.51.100.1", server.port), ("127.0.0.1", server.port)]


# --- real fetches from the local server ----------------------------------------------


async def test_image_is_fetched_with_its_type_and_url(
    fetcher: PublicFetcher, server: LocalServer
) -> None:
    fetched = await fetcher.fetch(f"{server.url}/cat.png", field="image_url")
    assert fetched.data == PNG
    assert fetched.content_type == "image/png"
    assert fetched.final_url == f"{server.url}/cat.png"
    assert server.received[0].headers["accept-encoding"] == "identity"


async def test_redirects_are_followed_to_the_final_url(
    fetcher: PublicFetcher, server: LocalServer
) -> None:
    server.routes["/old"] = redirects_to("/older", status=301)
    server.routes["/older"] = redirects_to(f"{server.url}/cat.png", status=307)
    fetched = await fetcher.fetch(f"{server.url}/old", field="image_url")
    assert fetched.data == PNG
    assert fetched.final_url == f"{server.url}/cat.png"


async def test_redirect_to_a_private_address_is_refused_without_connecting_to_it(
    fetcher: PublicFetcher, server: LocalServer, spy: SpyBackend
) -> None:
    server.routes["/go"] = redirects_to(f"http://evil.test:{server.port}/cat.png")
    message = await refusal(fetcher, f"{server.url}/go")
    assert message == "image_url: refused: evil.test resolves to 10.0.0.1, a private address"
    assert spy.connects == [("127.0.0.1", server.port)]


async def test_redirect_to_another_scheme_is_refused(
    fetcher: PublicFetcher, server: LocalServer
) -> None:
    server.routes["/go"] = redirects_to("file:///etc/passwd")
    message = await refusal(fetcher, f"{server.url}/go")
    assert message == "image_url: refused: only https or http URLs are accepted"


async def test_redirects_beyond_the_limit_are_refused(
    fetcher: PublicFetcher, server: LocalServer
) -> None:
    server.routes["/loop"] = redirects_to("/loop")
    assert await refusal(fetcher, f"{server.url}/loop") == (
        "image_url: refused: more than 3 redirects"
    )
    assert len(server.received) == 4  # the request and three redirects


async def test_no_redirects_allowed_refuses_the_first(
    make_fetcher: MakeFetcher, server: LocalServer
) -> None:
    server.routes["/go"] = redirects_to("/cat.png")
    message = await refusal(make_fetcher(max_redirects=0), f"{server.url}/go")
    assert message == "image_url: refused: more than 0 redirects"


async def test_oversized_body_is_refused_from_its_content_length(
    fetcher: PublicFetcher, server: LocalServer
) -> None:
    server.routes["/huge"] = streams_forever(declared_length=10**9)
    message = await refusal(fetcher, f"{server.url}/huge")
    assert message == (
        f"image_url: refused: the file is 1000000000 bytes (Content-Length); "
        f"at most {MAX_BYTES} allowed"
    )
    await server.settle()
    assert server.body_bytes_sent < ENDLESS_BODY_CAP


async def test_oversized_body_without_length_is_refused_while_streaming(
    fetcher: PublicFetcher, server: LocalServer
) -> None:
    server.routes["/endless"] = streams_forever(declared_length=None)
    message = await refusal(fetcher, f"{server.url}/endless")
    assert message == (
        f"image_url: refused: the file is more than {MAX_BYTES} bytes; at most {MAX_BYTES} allowed"
    )
    await server.settle()  # the server stopped because we hung up, not at its cap
    assert server.body_bytes_sent < ENDLESS_BODY_CAP


async def test_slow_server_times_out(make_fetcher: MakeFetcher, server: LocalServer) -> None:
    server.routes["/slow"] = never_answers
    fetcher = make_fetcher(timeout=0.3)
    started = time.monotonic()
    message = await refusal(fetcher, f"{server.url}/slow")
    assert message == "image_url: no complete answer within 0.3 s"
    assert time.monotonic() - started < 5


async def test_not_found_is_refused(fetcher: PublicFetcher, server: LocalServer) -> None:
    message = await refusal(fetcher, f"{server.url}/missing.png")
    assert message == "image_url: 127.0.0.1 answered HTTP 404"


async def test_closed_port_is_a_connection_failure(make_fetcher: MakeFetcher) -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]  # bound, not listening: connections refused
        message = await refusal(make_fetcher(), f"http://127.0.0.1:{port}/a.png")
    assert message == "image_url: could not connect to the server"


# --- check_target, for webhook URLs --------------------------------------------------


async def test_check_target_accepts_a_public_host_without_connecting(
    fetcher: PublicFetcher, spy: SpyBackend
) -> None:
    await fetcher.check_target("https://cdn.test/hooks/1", field="webhook_url")
    assert spy.connects == []


async def test_check_target_accepts_allowlisted_hosts(fetcher: PublicFetcher) -> None:
    await fetcher.check_target("http://127.0.0.1:9/hook", field="webhook_url")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://evil.test/hook", "refused: evil.test resolves to 10.0.0.1, a private address"),
        ("ftp://cdn.test/hook", "refused: only https or http URLs are accepted"),
        ("https://nowhere.test/hook", "refused: nowhere.test does not resolve"),
    ],
)
async def test_check_target_refusals_are_request_errors_naming_the_field(
    fetcher: PublicFetcher, spy: SpyBackend, url: str, reason: str
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        await fetcher.check_target(url, field="webhook_url")
    assert type(caught.value) is InvalidRequest  # a webhook URL is not an image
    assert caught.value.message == f"webhook_url: {reason}"
    assert caught.value.field == "webhook_url"
    assert spy.connects == []
