"""The cloud's listening sockets: one port, on 127.0.0.1 and (where the
machine has an IPv6 loopback) on [::1], loopback only, so nothing on the
network can reach the cloud."""

from __future__ import annotations

import errno
import socket

from .client import HOST


class PortInUse(RuntimeError):
    pass


def bind_loopback(port: int) -> socket.socket:
    """The port (0: any free one) on 127.0.0.1, listening, non-blocking."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise PortInUse(f"port {port} on {HOST} is in use ({exc.strerror})") from None
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def bind_loopback6(port: int) -> socket.socket | None:
    """The same port on [::1], where `localhost` may resolve first: left
    free, another user could listen there and receive requests meant for
    this cloud. None where this machine has no IPv6 loopback."""
    try:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    except OSError:
        return None
    try:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("::1", port))
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT):
            return None
        raise PortInUse(
            f"port {port} on [::1] is in use ({exc.strerror}); browsers may send localhost URLs there"
        ) from None
    sock.listen(1024)
    sock.setblocking(False)
    return sock
