"""Where a webhook may go: http(s) URLs, and unless allowed, only public addresses.

A receiver on a private, loopback, link-local or otherwise non-global address is refused
(server-side request forgery: a tenant must not make the platform call its own network)
unless ``SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE`` allows it. A URL naming an address is
checked when the endpoint is registered; a host name is resolved when registered (when
it resolves) and again at every delivery, which connects to the address it checked.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from switchboard.core.errors import UserError

SCHEMES = {"http": 80, "https": 443}
MAX_URL = 2000
FIELD = "url"


class AddressRefused(Exception):
    """A delivery's host resolved to no address it may reach."""


def parse_url(url: str) -> SplitResult:
    """``url`` split, when it is an absolute http(s) URL with a host and no credentials
    (``WEBHOOK_URL_INVALID``)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError as exc:
        raise UserError("WEBHOOK_URL_INVALID", FIELD) from exc
    if (len(url) > MAX_URL or parts.scheme.lower() not in SCHEMES or not parts.hostname
            or parts.username is not None or parts.password is not None):
        raise UserError("WEBHOOK_URL_INVALID", FIELD)
    return parts


def is_public(address: str) -> bool:
    """Whether ``address`` is a global unicast address (an IPv4-mapped IPv6 address counts as its IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (TCP), in resolver order; empty when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url(url: str, allow_private: bool) -> str:
    """The normalized URL of a new endpoint (``WEBHOOK_URL_INVALID``; ``WEBHOOK_URL_PRIVATE``
    when its host is or resolves to a non-public address and that is not allowed)."""
    parts = parse_url(url)
    normalized = parts._replace(scheme=parts.scheme.lower()).geturl()
    if not allow_private:
        port = parts.port or SCHEMES[parts.scheme.lower()]
        if any(not is_public(a) for a in resolve(parts.hostname, port)):
            raise UserError("WEBHOOK_URL_PRIVATE", FIELD)
    return normalized


def reachable(host: str, port: int, allow_private: bool) -> str:
    """The address a delivery connects to: the first ``host`` resolves to, once every one is
    found public (unless private ones are allowed); :class:`AddressRefused` otherwise."""
    addresses = resolve(host, port)
    if not addresses:
        raise AddressRefused(f"{host} does not resolve")
    if not allow_private and any(not is_public(a) for a in addresses):
        raise AddressRefused(f"{host} resolves to a non-public address")
    return addresses[0]
