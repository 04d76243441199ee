"""Whether a loopback TCP connection comes from a process of this execution
environment, for the Runtime API (runtimeapi.py): the only way to tell an
environment's own runtime from any other local process, since runtime
clients reach the API by host:port and send no credential.

Inside the sandbox's PID namespace, /proc lists only the environment's own
processes. The client's socket is found by its two ends (sock_diag, else
/proc/net/tcp: the host's network namespace, the sandbox has none of its
own), and the connection is the environment's if one of those processes
holds it.
Standard library only; it runs in the worker (worker.py)."""

import os
import socket
import struct

NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, NLMSG_ERROR = 4, 20, 1, 2
_NLMSGHDR = struct.Struct("=LHHLL")
_LOOPBACK = socket.inet_aton("127.0.0.1") + bytes(12)
_INODE_AT = _NLMSGHDR.size + 4 + 48 + 16  # in the reply: nlmsghdr, inet_diag_msg's family..retrans, id, expires..uid


def diag_inode(client_port, server_port):
    """The client socket's inode, asked of the kernel by its exact ends
    (sock_diag, what `ss` uses): tens of microseconds, where reading
    /proc/net/tcp costs milliseconds on a host with many sockets. None if
    the kernel does not answer."""
    request = (
        struct.pack("=BBBBI", socket.AF_INET, socket.IPPROTO_TCP, 0, 0, 0xFFFFFFFF)
        + struct.pack("!HH", client_port, server_port)
        + _LOOPBACK
        + _LOOPBACK
        + struct.pack("=III", 0, 0xFFFFFFFF, 0xFFFFFFFF)  # any interface, no cookie
    )
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_SOCK_DIAG) as diag:
            diag.sendall(
                _NLMSGHDR.pack(_NLMSGHDR.size + len(request), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, 1, 0) + request
            )
            reply = diag.recv(65536)
    except OSError:
        return None
    if len(reply) < _INODE_AT + 4 or _NLMSGHDR.unpack_from(reply)[1] != SOCK_DIAG_BY_FAMILY:
        return None
    return str(struct.unpack_from("=I", reply, _INODE_AT)[0])


def _hex_end(port):
    return f"0100007F:{port:04X}"  # 127.0.0.1 as /proc/net/tcp prints it (little-endian)


def socket_inode(client_port, server_port):
    """The inode of the client's end of a loopback connection, or None."""
    local, remote = _hex_end(client_port), _hex_end(server_port)
    try:
        with open("/proc/net/tcp") as table:
            next(table)
            for line in table:
                fields = line.split()
                if fields[1] == local and fields[2] == remote:
                    return fields[9]
    except (OSError, StopIteration, IndexError):
        pass
    return None


def held_here(inode):
    """Whether a process visible in /proc (in the sandbox: only the
    environment's) has the socket open."""
    target = f"socket:[{inode}]"
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return True
            except OSError:
                continue
    return False


def checker(server_port):
    """allowed((host, port)) for the Runtime API server on server_port."""

    def allowed(client_address):
        host, port = client_address[:2]
        if host != "127.0.0.1":
            return False
        inode = diag_inode(port, server_port) or socket_inode(port, server_port)
        return inode is not None and inode != "0" and held_here(inode)

    return allowed
