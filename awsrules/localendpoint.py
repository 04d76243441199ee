"""Where the local cloud listens by default: a contract between the client
and the emulator, kept here so reading it loads no emulator code."""

from __future__ import annotations

HOST = "127.0.0.1"
DEFAULT_PORT = 4580
