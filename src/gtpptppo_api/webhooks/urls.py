"""Where a webhook may be sent: checked when subscribed and again at each delivery.

``https://`` only (``http://`` with GTPPTPPO_WEBHOOK_ALLOW_HTTP), no credentials in the
URL, and every address its host resolves to must be a public one: loopback, private,
link-local (the cloud metadata service at 169.254.169.254), shared (100.64/10), reserved
and multicast addresses are refused unless they lie in GTPPTPPO_WEBHOOK_ALLOWED_NETWORKS.
A delivery connects to the very address it checked (the host name goes in ``Host`` and in
the TLS server name), so a name that resolves elsewhere between check and connect (DNS
rebinding) gains nothing.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from gtpptppo_api.settings import Settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RefusedUrl(ValueError):
    """The URL may not receive webhooks; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``pinned``), and the host it names."""

    url: str
    pinned: str  # the URL with the checked address in place of the host name
    host: str  # the Host header: the URL's host and port
    hostname: str  # the name the receiver's TLS certificate must bear


def allowed_networks(settings: Settings) -> list[Network]:
    return [
        ipaddress.ip_network(part.strip(), strict=False)
        for part in settings.webhook_allowed_networks.split(",")
        if part.strip()
    ]


def check_syntax(url: str, settings: Settings) -> None:
    parts = urlsplit(url)
    schemes = {"https", "http"} if settings.webhook_allow_http else {"https"}
    if parts.scheme not in schemes:
        raise RefusedUrl(
            "must be https://" + (" or http://" if settings.webhook_allow_http else "")
        )
    if not parts.hostname:
        raise RefusedUrl("names no host")
    if parts.username or parts.password:
        raise RefusedUrl("must not carry credentials (sign with the secret instead)")
    if parts.fragment:
        raise RefusedUrl("must not have a #fragment")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        raise RefusedUrl("has a bad port") from exc


def check_address(address: Address, allowed: list[Network]) -> None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_global and not address.is_multicast:
        return
    if any(address in network for network in allowed):
        return
    raise RefusedUrl(f"reaches {address}, which is not a public address")


async def resolve(url: str, settings: Settings) -> Target:
    """Check ``url`` and the addresses of its host; the target to connect to, or RefusedUrl."""
    check_syntax(url, settings)
    parts = urlsplit(url)
    host = parts.hostname
    assert host is not None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise RefusedUrl(f"its host {host!r} does not resolve") from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise RefusedUrl(f"its host {host!r} does not resolve")
    allowed = allowed_networks(settings)
    for address in addresses:
        check_address(address, allowed)
    first = addresses[0]
    literal = f"[{first}]" if first.version == 6 else str(first)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return Target(url=url, pinned=pinned, host=parts.netloc, hostname=host)
