from __future__ import annotations

from ipaddress import ip_address

import pytest

from vidgate.net.addresses import is_public_address, why_not_public

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "100.63.255.255",  # just below CGNAT
    "100.128.0.0",  # just above CGNAT
    "172.15.255.255",  # just below 172.16/12
    "172.32.0.0",  # just above 172.16/12
    "198.17.255.255",  # just below benchmarking
    "198.20.0.0",  # just above benchmarking
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",  # IPv4-mapped, public inside
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8
    "2002:808:808::1",  # 6to4 of 8.8.8.8
]

REFUSED = {
    # IPv4
    "0.0.0.0": "a 'this network' address",
    "0.1.2.3": "a 'this network' address",
    "10.0.0.5": "a private address",
    "172.16.0.1": "a private address",
    "172.31.255.255": "a private address",
    "192.168.1.1": "a private address",
    "100.64.0.1": "a carrier-grade NAT address",
    "100.127.255.255": "a carrier-grade NAT address",
    "127.0.0.1": "a loopback address",
    "127.255.255.254": "a loopback address",
    "169.254.1.1": "a link-local address",
    "169.254.169.254": "a cloud metadata address",
    "169.254.170.2": "a cloud metadata address",
    "100.100.100.200": "a cloud metadata address",
    "192.0.0.8": "an IETF protocol assignment address",
    "192.0.2.1": "a documentation address",
    "198.51.100.7": "a documentation address",
    "203.0.113.9": "a documentation address",
    "198.18.0.1": "a benchmarking address",
    "198.19.255.255": "a benchmarking address",
    "224.0.0.1": "a multicast address",
    "239.255.255.250": "a multicast address",
    "240.0.0.1": "a reserved address",
    "255.255.255.255": "the broadcast address",
    # IPv6
    "::": "the unspecified address",
    "::1": "a loopback address",
    "fe80::1": "a link-local address",
    "fe80::1%eth0": "a link-local address",
    "fec0::1": "a site-local address",
    "fc00::1": "a unique local (private) address",
    "fd12:3456::1": "a unique local (private) address",
    "fd00:ec2::254": "a cloud metadata address",
    "ff02::1": "a multicast address",
    "2001:db8::1": "a documentation address",
    "100::1": "a discard-only address",
    "64:ff9b:1::a00:1": "a local-use NAT64 address",
    # IPv6 forms embedding a non-public IPv4 address
    "::ffff:127.0.0.1": "an IPv4-mapped address of 127.0.0.1, a loopback address",
    "::ffff:10.0.0.1": "an IPv4-mapped address of 10.0.0.1, a private address",
    "::ffff:169.254.169.254": (
        "an IPv4-mapped address of 169.254.169.254, a cloud metadata address"
    ),
    "::127.0.0.1": "an IPv4-compatible address of 127.0.0.1, a loopback address",
    "::10.0.0.1": "an IPv4-compatible address of 10.0.0.1, a private address",
    "64:ff9b::a9fe:a9fe": "a NAT64 address of 169.254.169.254, a cloud metadata address",
    "64:ff9b::7f00:1": "a NAT64 address of 127.0.0.1, a loopback address",
    "2002:a00:1::1": "a 6to4 address of 10.0.0.1, a private address",
    "2002:7f00:1::": "a 6to4 address of 127.0.0.1, a loopback address",
    # Teredo: server 65.54.227.120, client (obfuscated) 10.0.0.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe": "a Teredo address of 10.0.0.1, a private address",
}


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    ip = ip_address(address)
    assert why_not_public(ip) is None
    assert is_public_address(ip)


@pytest.mark.parametrize(("address", "reason"), REFUSED.items())
def test_non_public_addresses_are_refused_with_the_reason(address: str, reason: str) -> None:
    ip = ip_address(address)
    assert why_not_public(ip) == reason
    assert not is_public_address(ip)


def test_ipv4_compatible_form_is_refused_even_around_a_public_address() -> None:
    assert why_not_public(ip_address("::8.8.8.8")) == (
        "outside the IPv6 global unicast range 2000::/3"
    )


def test_teredo_is_refused_even_with_public_ends() -> None:
    # server 65.54.227.120, client 63.64.0.1: both public, but Teredo is not global unicast
    assert not is_public_address(ip_address("2001:0:4136:e378:8000:63bf:c0bf:fffe"))


def test_unallocated_ipv6_outside_global_unicast_is_refused() -> None:
    assert why_not_public(ip_address("4000::1")) == (
        "outside the IPv6 global unicast range 2000::/3"
    )
