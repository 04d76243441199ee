"""Whether a loopback TCP connection comes from a process of this execution
environment, for the Runtime API (runtimeapi.py): the only way to tell an
environment's own runtime from any other local process, since runtime
clients reach the API by host:port and send no credential.

Inside the sandbox's PID namespace, /proc lists only the environment's own
processes. The client's socket is found in /proc/net/tcp (the host's
network namespace: the sandbox has none of its own) by its two ends, and
the connection is the environment's if one of those processes holds it.
Standard library only; it runs in the worker (worker.py)."""

import os


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
        inode = socket_inode(port, server_port)
        return inode is not None and inode != "0" and held_here(inode)

    return allowed
