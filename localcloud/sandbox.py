"""Handler sandbox: each worker is confined as Lambda confines an execution
environment, with the kernel's own unprivileged mechanisms (no root, no Docker).

Mechanisms, applied by the worker bootstrap (worker.py calls `enter`) before any
handler code is imported:
- User + mount + PID namespaces. The worker unshares them, maps its own uid,
  makes every mount it sees read-only (mount_setattr: Landlock has no right for
  chmod, chown or utime, so without it a handler could loosen the modes of the
  owner's key file or ~/.ssh for other users to read), mounts a tmpfs on /tmp (`size=` the function's ephemeral storage, 512 MB by
  default) and forks once: the child is PID 1 of its own PID namespace, mounts a
  fresh /proc (only its own processes: no /proc/<cloud>/environ, no sibling pids
  to signal) and runs the handler. The parent only waits, then exits with the
  child's status or re-raises the signal that killed it, so the cloud still sees
  -9 for a kill; killing the parent kills the child (PR_SET_PDEATHSIG), and PID 1
  dying takes the whole namespace with it.
- Landlock (ABI 1..7, degrading): read/execute only the function's code, the
  runtime's Python (prefix, sys.path, the site paths it is given), /usr, /lib*,
  a few /etc files, /dev/null|zero|urandom and the fresh /proc; write only /tmp
  and /dev/null. ABI >= 6 also scopes signals and abstract unix sockets to the
  sandbox. This is what stops root: uid 0 bypasses file modes, not Landlock.
- PR_SET_NO_NEW_PRIVS, securebits + empty bounding/ambient/effective capability
  sets (root gets no capability back by exec), RLIMIT_CORE 0, RLIMIT_FSIZE =
  ephemeral storage, RLIMIT_NPROC 1024 (Lambda's figure) inside the user ns,
  RLIMIT_NOFILE 1024 (Lambda's figure; the cloud raises its own, cloud.py).
- The cloud makes itself non-dumpable (`protect_cloud`): same-uid processes
  cannot read its memory or /proc/<pid>/environ.
- Code is read-only on disk and compiled once by the cloud (codestore.py).

Which of these a machine allows, what is left without them, and what no
machine gives handlers: sandboxprobe.py.

Measured cost (bench/sandbox_cost.py, 2 busy cores, Python 3.11, hello
handler, median of 12): Init Duration 85.3 ms unsandboxed vs 83.8 ms
sandboxed, first request 88.1 vs 86.2 ms: within noise (ctypes import,
two forks, three mounts and ~30 Landlock rules are a few ms).
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import struct
import stat
import sys

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x10000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096
MS_REC, MS_PRIVATE = 0x4000, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_GET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 3, 24
PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 28, 38, 47
SECUREBITS_LOCKED_NOROOT = 0xEF  # noroot, no setuid fixup, no ambient raise; all locked
# Landlock: syscall numbers are the same on every architecture.
SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1, 2, 4, 8
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
READ = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
FILE_ONLY = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2
LAMBDA_NPROC = 1024
# Lambda's quota of file descriptors per environment; the cloud raises its own
# limit for WebSocket connections (cloud.py), which handlers must not inherit.
LAMBDA_NOFILE = 1024

SYSTEM_READ = (
    "/usr",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/bin",
    "/sbin",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/ssl",
    "/etc/pki",
    "/etc/ca-certificates",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/nsswitch.conf",
    "/etc/host.conf",
    "/etc/gai.conf",
    "/etc/services",
    "/etc/protocols",
    "/etc/passwd",
    "/etc/group",
    "/etc/mime.types",
    "/sys/devices/system/cpu",
    "/dev/urandom",
    "/dev/random",
    "/dev/zero",
    "/dev/full",
)

SYS_MOUNT_SETATTR = 442
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1

# What enter() reports on (key -> on), by mechanism; sandboxprobe.py words each that is off.
NAMESPACES = ("user_namespace", "pid_namespace", "private_tmp", "read_only_root")
LANDLOCK = ("landlock", "landlock_truncate", "landlock_scopes")
PROCESS = ("no_new_privs", "capabilities_dropped", "parent_death_signal", "cloud_not_dumpable")
PROTECTIONS = NAMESPACES + LANDLOCK + PROCESS

_libc = None


def _lib():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
        _libc.mount.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p)
        _libc.prctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong)
    return _libc


def _ok(result, what):
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def _prctl(option, arg=0):
    return _ok(_lib().prctl(option, arg, 0, 0, 0), f"prctl {option}")


def _read_only_everywhere():
    """Every mount this process sees becomes read-only (mount_setattr, Linux
    5.12+, number 442 on every architecture): Landlock has no right for
    chmod, chown or utime, so without this a handler could loosen the modes
    of files its user owns (the owner's key file, ~/.ssh) for others to read."""
    attr = ctypes.create_string_buffer(struct.pack("QQQQ", MOUNT_ATTR_RDONLY, 0, 0, 0))
    _ok(_lib().syscall(SYS_MOUNT_SETATTR, AT_FDCWD, b"/", AT_RECURSIVE, attr, len(attr.raw)), "mount_setattr /")


def _mount(source, target, fstype, flags, data=None):
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    _ok(_lib().mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    return max(0, _lib().syscall(SYS_CREATE_RULESET, None, 0, 1))  # LANDLOCK_CREATE_RULESET_VERSION


def _landlock(abi, rules):
    """Allow only `rules` ((path, access) pairs) from now on, for this process and its children."""
    handled = (
        (1 << 13) - 1
        | (FS_REFER if abi >= 2 else 0)
        | (FS_TRUNCATE if abi >= 3 else 0)
        | (FS_IOCTL_DEV if abi >= 5 else 0)
    )
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    attr = (ctypes.c_uint64 * 3)(handled, 0, scoped)
    libc = _lib()
    ruleset = _ok(libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), 24 if abi >= 6 else 8, 0), "landlock")
    try:
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # not on this system
            try:
                is_dir = stat.S_ISDIR(os.fstat(fd).st_mode)
                rule = _PathBeneath(access & handled & (~0 if is_dir else FILE_ONLY), fd)
                _ok(libc.syscall(SYS_ADD_RULE, ruleset, 1, ctypes.byref(rule), 0), f"landlock rule {path}")
            finally:
                os.close(fd)
        _ok(libc.syscall(SYS_RESTRICT_SELF, ruleset, 0), "landlock_restrict_self")
    finally:
        os.close(ruleset)


def _drop_capabilities():
    """Root keeps no capability, and gets none back by exec (securebits)."""
    libc = _lib()
    libc.prctl(PR_SET_SECUREBITS, SECUREBITS_LOCKED_NOROOT, 0, 0, 0)  # fails harmlessly without CAP_SETPCAP
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 and ctypes.get_errno() == 22:  # EINVAL: past the last
            break
    libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    _ok(libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")


def _capabilities_empty():
    try:
        with open("/proc/self/status") as f:
            return all(int(line.split()[1], 16) == 0 for line in f if line.startswith(("CapEff", "CapPrm")))
    except OSError:
        return False


def _limit(which, value):
    soft, hard = resource.getrlimit(which)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    try:
        resource.setrlimit(which, (value, value))
        return True
    except (ValueError, OSError):
        return False


def _let_go_of_protocol():
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)


def _arm_death_signal(alive_r):
    """Die with the parent; if it is gone already, die now."""
    armed = _lib().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    os.set_blocking(alive_r, False)
    try:
        if os.read(alive_r, 1) == b"":
            os._exit(137)
    except BlockingIOError:
        pass
    os.close(alive_r)
    return armed


def _init(handler, status_w):
    """PID 1 of the namespace: reaps orphans, and passes the handler's wait
    status up (PID 1 cannot re-raise a signal on itself); its death ends the
    namespace, handler included."""
    _let_go_of_protocol()
    while True:
        pid, status = os.wait()
        if pid == handler:
            os.write(status_w, status.to_bytes(4, "little"))
            os._exit(0)


def _supervise(child, private_dir, status_r):
    """The process the cloud started: waits, then ends as the handler did, so
    the cloud sees its status (-9 and all). It keeps its copy of stdout open
    until then: the cloud sees the output close only once this status is
    final, so a kill that follows a crash cannot turn exit 3 into -9."""
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    _, status = os.waitpid(child, 0)
    os.set_blocking(status_r, False)
    try:
        passed = os.read(status_r, 4)
        status = int.from_bytes(passed, "little") if len(passed) == 4 else status
    except BlockingIOError:
        pass
    if private_dir:
        import shutil

        shutil.rmtree(private_dir, ignore_errors=True)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def _read_paths(config):
    """The code, and the runtime's Python: prefix, sys.path, given site paths."""
    paths = [
        config.get("task_root"),
        *config.get("read", ()),
        *(p for p in sys.path if p),
        os.path.join(sys.prefix, "pyvenv.cfg"),
        os.path.realpath(sys.executable),
    ]
    base = os.path.realpath(sys.base_prefix)
    return [p for p in paths if p] + ([base] if base != "/" else [])


def enter(config: dict) -> dict[str, bool]:
    """Confine this process (single-threaded, before any handler code) and
    return which protections are on. Forks: only the sandboxed child returns.
    config: task_root, read (more paths to read), tmp_mb (ephemeral storage)."""
    libc = _lib()
    tmp_mb = int(config.get("tmp_mb") or 512)
    on = dict.fromkeys(PROTECTIONS, False)
    on["cloud_not_dumpable"] = True  # the cloud's own; sandboxprobe.protections() reports it
    on["no_new_privs"] = libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) == 0:
        on["user_namespace"] = True
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
        _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing below propagates to the host
        try:
            _read_only_everywhere()  # before /tmp's tmpfs, which stays writable
            on["read_only_root"] = True
        except OSError:
            pass
        # What it must read under /tmp (code of a state dir there, as in tests)
        # is bound back, read-only, into the new /tmp at the same path.
        keep = [
            (p, os.open(p, os.O_PATH | os.O_CLOEXEC))
            for p in _read_paths(config)
            if os.path.realpath(p).startswith("/tmp/") and os.path.isdir(p)
        ]
        try:
            _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_mb}m,mode=1777")
            for path, fd in keep:
                os.makedirs(path, exist_ok=True)
                _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
                _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
            on["private_tmp"] = True
        except OSError:
            _mount(None, "/tmp", None, MS_REC | MS_PRIVATE)  # keep going without it
        for _path, fd in keep:
            os.close(fd)
    private_dir = None
    if not on["private_tmp"]:
        import tempfile

        private_dir = tempfile.mkdtemp(prefix="lambda-tmp-")
        os.environ["TMPDIR"] = os.environ["HOME"] = private_dir
    outer_pid = os.getpid()
    alive_r, alive_w = os.pipe()  # each parent holds the write end until it dies
    status_r, status_w = os.pipe()
    child = os.fork()
    if child:
        os.close(alive_r)
        os.close(status_w)
        _supervise(child, private_dir, status_r)
    os.close(alive_w)
    os.close(status_r)
    on["parent_death_signal"] = _arm_death_signal(alive_r)
    if on["user_namespace"]:
        try:
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
            on["pid_namespace"] = True
        except OSError:
            pass
    if on["pid_namespace"]:
        # The handler gets the pid the cloud knows the worker by (unique, as
        # on the host), not 1: PID 1 ignores its own signals, a handler must not.
        try:
            with open("/proc/sys/kernel/ns_last_pid", "w") as f:
                f.write(str(outer_pid - 1))
        except OSError:
            pass
        alive_r, alive_w = os.pipe()
        handler = os.fork()
        if handler:
            os.close(alive_r)
            _init(handler, status_w)
        os.close(alive_w)
        _arm_death_signal(alive_r)
    os.close(status_w)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _limit(resource.RLIMIT_FSIZE, tmp_mb * 1024 * 1024)
    if on["user_namespace"]:
        _limit(resource.RLIMIT_NPROC, LAMBDA_NPROC)  # counted per user namespace
    _limit(resource.RLIMIT_NOFILE, LAMBDA_NOFILE)
    try:
        _drop_capabilities()
    except OSError:
        pass
    on["capabilities_dropped"] = _capabilities_empty()
    if config.get("task_root"):
        os.chdir(config["task_root"])  # the same path, now in the sandbox's view
    abi = landlock_abi()
    if abi:
        read = [*_read_paths(config), *SYSTEM_READ, "/proc" if on["pid_namespace"] else "/proc/self"]
        write = [private_dir or "/tmp", "/dev/null"]
        rules = [(p, READ) for p in read if p] + [(p, ~0) for p in write]
        try:
            _landlock(abi, rules)
            on["landlock"] = True
            on["landlock_truncate"] = abi >= 3
            on["landlock_scopes"] = abi >= 6
        except OSError:
            pass
    return on


def protect_cloud() -> bool:
    """Make the calling (cloud) process non-dumpable: its memory and
    /proc/<pid>/environ become unreadable to same-uid processes."""
    try:
        _prctl(PR_SET_DUMPABLE, 0)
        return _lib().prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0
    except OSError:
        return False


if __name__ == "__main__" and sys.argv[1:] == ["--probe"]:
    print(json.dumps(enter({"tmp_mb": 1})), flush=True)
