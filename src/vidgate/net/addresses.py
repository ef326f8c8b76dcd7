"""Which IP addresses the server may connect to on a user's behalf.

Only globally routable unicast addresses are public. The ranges are listed explicitly so
the answer (and the reason given) does not change with the Python version, whose
``ipaddress.is_global`` tables have moved between releases; ``is_global`` is still
consulted last as a safety net. IPv6 forms that carry an IPv4 address (mapped, NAT64,
6to4, Teredo, IPv4-compatible) are judged by the IPv4 address they lead to.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

IPAddress = IPv4Address | IPv6Address

_METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    {
        IPv4Address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, ...
        IPv4Address("169.254.170.2"),  # AWS ECS task metadata
        IPv4Address("100.100.100.200"),  # Alibaba Cloud
        IPv6Address("fd00:ec2::254"),  # AWS over IPv6
    }
)

_IPV4_RANGES: tuple[tuple[IPv4Network, str], ...] = (
    (IPv4Network("255.255.255.255/32"), "the broadcast address"),
    (IPv4Network("0.0.0.0/8"), "a 'this network' address"),
    (IPv4Network("10.0.0.0/8"), "a private address"),
    (IPv4Network("172.16.0.0/12"), "a private address"),
    (IPv4Network("192.168.0.0/16"), "a private address"),
    (IPv4Network("100.64.0.0/10"), "a carrier-grade NAT address"),
    (IPv4Network("127.0.0.0/8"), "a loopback address"),
    (IPv4Network("169.254.0.0/16"), "a link-local address"),
    (IPv4Network("192.0.0.0/24"), "an IETF protocol assignment address"),
    (IPv4Network("192.0.2.0/24"), "a documentation address"),
    (IPv4Network("198.51.100.0/24"), "a documentation address"),
    (IPv4Network("203.0.113.0/24"), "a documentation address"),
    (IPv4Network("192.88.99.0/24"), "a reserved 6to4 relay address"),
    (IPv4Network("198.18.0.0/15"), "a benchmarking address"),
    (IPv4Network("224.0.0.0/4"), "a multicast address"),
    (IPv4Network("240.0.0.0/4"), "a reserved address"),
)

_IPV6_RANGES: tuple[tuple[IPv6Network, str], ...] = (
    (IPv6Network("::/128"), "the unspecified address"),
    (IPv6Network("::1/128"), "a loopback address"),
    (IPv6Network("fe80::/10"), "a link-local address"),
    (IPv6Network("fec0::/10"), "a site-local address"),
    (IPv6Network("fc00::/7"), "a unique local (private) address"),
    (IPv6Network("ff00::/8"), "a multicast address"),
    (IPv6Network("2001:db8::/32"), "a documentation address"),
    (IPv6Network("3fff::/20"), "a documentation address"),
    (IPv6Network("100::/64"), "a discard-only address"),
    (IPv6Network("2001:2::/48"), "a benchmarking address"),
    (IPv6Network("64:ff9b:1::/48"), "a local-use NAT64 address"),
)

_IPV6_GLOBAL_UNICAST = IPv6Network("2000::/3")
_NAT64 = IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = IPv6Network("::/96")


def is_public_address(ip: IPAddress) -> bool:
    """True when the server may connect to ``ip`` on a user's behalf."""
    return why_not_public(ip) is None


def why_not_public(ip: IPAddress) -> str | None:
    """None for a public address, else what it is: ``"a private address"``, ..."""
    if ip in _METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(ip, IPv4Address):
        return _why_not_public_v4(ip)
    return _why_not_public_v6(ip)


def _why_not_public_v4(ip: IPv4Address) -> str | None:
    for network, reason in _IPV4_RANGES:
        if ip in network:
            return reason
    return None if ip.is_global else "not a globally routable address"


def _why_not_public_v6(ip: IPv6Address) -> str | None:
    if ip.ipv4_mapped is not None:
        return _embedded_reason("an IPv4-mapped address", ip.ipv4_mapped)
    if ip in _NAT64:
        return _embedded_reason("a NAT64 address", _low_32_bits(ip))
    for network, reason in _IPV6_RANGES:
        if ip in network:
            return reason
    embedded = _embedded_reason_other(ip)
    if embedded is not None:
        return embedded
    if ip not in _IPV6_GLOBAL_UNICAST:
        return "outside the IPv6 global unicast range 2000::/3"
    return None if ip.is_global else "not a globally routable address"


def _embedded_reason_other(ip: IPv6Address) -> str | None:
    """6to4, Teredo and IPv4-compatible addresses whose IPv4 part is not public."""
    if ip.sixtofour is not None:
        return _embedded_reason("a 6to4 address", ip.sixtofour)
    if ip.teredo is not None:
        server, client = ip.teredo
        reasons = (_embedded_reason("a Teredo address", v4) for v4 in (server, client))
        return next((reason for reason in reasons if reason is not None), None)
    if ip in _IPV4_COMPATIBLE:
        return _embedded_reason("an IPv4-compatible address", _low_32_bits(ip))
    return None


def _embedded_reason(form: str, embedded: IPv4Address) -> str | None:
    reason = why_not_public(embedded)
    return None if reason is None else f"{form} of {embedded}, {reason}"


def _low_32_bits(ip: IPv6Address) -> IPv4Address:
    return IPv4Address(int(ip) & 0xFFFFFFFF)
