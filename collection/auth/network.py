"""IP ranges an integrator may call from (seed 000: "IP-based access control")."""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from ledger.errors import ValidationError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> list[Network]:
    """``["10.0.0.0/8", "203.0.113.7"]`` → networks; a bare address is a /32 (or /128)."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValidationError(f"{value!r} is not an IP address or CIDR range",
                                  code="NETWORK_INVALID", field="allowedNetworks") from None
    return networks


def format_networks(networks: Iterable[Network]) -> str | None:
    text = " ".join(str(n) for n in networks)
    return text or None


def ip_allowed(allowed: str | None, ip: str | None) -> bool:
    """No list means any address; with a list, the caller's address must be in one range."""
    if not allowed:
        return True
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(n) for n in allowed.split())
