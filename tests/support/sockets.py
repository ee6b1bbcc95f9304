"""What a port listens on, read from the kernel's socket tables (Linux /proc/net/tcp and tcp6)."""

from __future__ import annotations

import ipaddress
import struct
from pathlib import Path

_LISTEN = "0A"


def _address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(struct.pack("<I", struct.unpack(">I", raw)[0])))
    words = struct.unpack("<4I", raw)  # four host-order 32-bit words
    return str(ipaddress.IPv6Address(b"".join(struct.pack(">I", w) for w in words)))


def listening_addresses(port: int) -> set[str]:
    """The local addresses on which some socket listens on TCP `port` (e.g. {'127.0.0.1'})."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            address, _, hex_port = local.partition(":")
            if state == _LISTEN and int(hex_port, 16) == port:
                found.add(_address(address))
    return found


def is_loopback_only(port: int) -> bool:
    """True when `port` listens, and only on loopback addresses."""
    addresses = listening_addresses(port)
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)

