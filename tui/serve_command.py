"""`apigw-wizard serve`: the wizard in a browser tab, through textual-serve
(aiohttp + xterm.js); each tab runs its own `python -m tui` with the flags
given here.

The wizard holds the local cloud's owner keys (and, on the aws target, the
user's AWS credentials), so whoever can type into it can use them. The
server therefore binds loopback only unless --allow-remote says otherwise,
and every request meets, before any routing:

1. a Host allowlist (127.0.0.1, localhost, [::1] on the web port), so a
   DNS-rebinding page that resolves to 127.0.0.1 gets 403;
2. a per-run secret token: printed in the URL, exchanged on first visit for
   an HttpOnly, SameSite=Strict cookie named after the port; without it the
   page, the terminal's websocket and downloads are 403, so another user on
   a shared machine cannot open a session on the loopback port;
3. an Origin check on the websocket (websockets ignore the same-origin
   policy; a foreign page would otherwise drive a session).

Static files (xterm.js, CSS) are public package files and need only (1).
The page is textual-serve's own template without its Google Fonts link (no
request leaves the machine) and is never framed (CSP frame-ancestors)."""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import logging
import secrets
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from . import config as config_mod

INSTALL_HINT = "pip install 'apigw-wizard[serve]' (in a checkout: pip install -e '.[serve]')"
_GOOGLE_FONTS = (
    '<link\n      rel="stylesheet"\n      href="https://fonts.googleapis.com/css?family=Roboto%20Mono"\n    />'
)


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _addresses(host: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)})
    except (socket.gaierror, UnicodeError):
        return []


def is_loopback(host: str) -> bool:
    """True when every address the host names is a loopback address."""
    found = _addresses(host)
    return bool(found) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in found)


def wizard_command(args: argparse.Namespace) -> list[str]:
    """The command each browser tab runs: this interpreter's wizard with the
    flags serve was given (paths made absolute: the tab's process may start
    anywhere)."""
    command = [sys.executable, "-m", "tui", "--port", str(args.port)]
    if args.config:
        command += ["--config", str(Path(args.config).expanduser().resolve())]
    if args.state_dir:
        command += ["--state-dir", str(Path(args.state_dir).expanduser().resolve())]
    for flag in ("target", "region", "profile"):
        value = getattr(args, flag)
        if value:
            command += [f"--{flag}", value]
    return command


def _check_config(args: argparse.Namespace) -> bool:
    """Bad flags or config exit 2 here, once, not in every tab."""
    if not (args.config or args.target or args.region or args.profile):
        return True
    try:
        config_mod.load(args.config).with_overrides(target=args.target, region=args.region, profile=args.profile)
    except config_mod.ConfigError as exc:
        for problem in exc.problems:
            _err(problem)
        return False
    return True


def _bind(host: str, port: int) -> socket.socket:
    addresses = _addresses("127.0.0.1" if host == "localhost" else host)
    family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((addresses[0], port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def _url_host(host: str, sock: socket.socket) -> str:
    address = str(sock.getsockname()[0])
    if host == "localhost" or not address or ipaddress.ip_address(address.split("%")[0]).is_unspecified:
        return "127.0.0.1" if host == "localhost" else socket.getfqdn()
    return f"[{address}]" if ":" in address else address


class _OneLine(logging.Formatter):
    """textual-serve logs a failed session with its traceback; the console
    gets one line instead."""

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info and record.exc_info[1] is not None:
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
            record.msg = f"a browser session failed: {record.getMessage()}"
            record.args = None
        return f"apigw-wizard serve: {super().format(record)}"


def make_server(command: list[str], port: int, allowed_hosts: frozenset[str] | None, token: str) -> Any:
    """The textual-serve Server with the checks above. allowed_hosts None
    (--allow-remote) accepts any Host; the token and Origin still apply."""
    import importlib.resources

    import jinja2
    from aiohttp import web
    from textual_serve.server import Server

    cookie = f"apigw_wizard_{port}"
    sessions: dict[Any, Any] = {}  # AppService -> its websocket
    template_text = (importlib.resources.files("textual_serve") / "templates" / "app_index.html").read_text()
    template = jinja2.Environment(autoescape=True).from_string(template_text.replace(_GOOGLE_FONTS, ""))
    security = {
        "Content-Security-Policy": "frame-ancestors 'none'",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }

    def has_token(request: web.Request) -> bool:
        return hmac.compare_digest(request.cookies.get(cookie, ""), token)

    def refuse(status: int, text: str) -> web.Response:
        return web.Response(status=status, text=text + "\n", headers=security)

    class WizardServer(Server):
        def initialize_logging(self) -> None:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(_OneLine("%(message)s"))
            logger = logging.getLogger("textual-serve")
            logger.handlers[:] = [handler]
            logger.setLevel(logging.WARNING)
            logger.propagate = False

        async def _make_app(self) -> web.Application:
            @web.middleware
            async def gate(request: web.Request, handler: Any) -> web.StreamResponse:
                if allowed_hosts is not None and request.host.lower() not in allowed_hosts:
                    return refuse(403, f"Host {request.host!r} is not served here (DNS rebinding?)")
                response = await handler(request)
                if not response.prepared:
                    response.headers.update(security)
                return response

            app = web.Application(middlewares=[gate])
            app.on_shutdown.append(self.end_sessions)
            app.add_routes(
                [
                    web.get("/", self.index),
                    web.get("/ws", self.websocket),
                    web.get("/download/{key}", self.download),
                    web.static("/static", self.statics_path, show_index=False),
                ]
            )
            return app

        async def index(self, request: web.Request) -> web.StreamResponse:
            given = request.query.get("token")
            if given is not None and hmac.compare_digest(given, token):
                # Trade the token for a cookie and drop it from the address bar.
                query = {k: v for k, v in request.query.items() if k != "token"}
                location = "/" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
                response = web.Response(status=303, headers={"Location": location})
                response.set_cookie(cookie, token, httponly=True, samesite="Strict", path="/")
                return response
            if not has_token(request):
                return refuse(403, "Open the URL 'apigw-wizard serve' printed: it carries this run's token.")
            font_size = request.query.get("fontsize", "16")
            html = template.render(
                font_size=int(font_size) if font_size.isdigit() else 16,
                app_websocket_url=f"ws://{request.host}/ws",
                config={"static": {"url": "/static/"}},
                application={"name": "apigw-wizard"},
            )
            return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-store"})

        async def websocket(self, request: web.Request) -> web.StreamResponse:
            if request.headers.get("Origin") != f"http://{request.host}":
                return refuse(403, "The wizard's terminal answers only its own page.")
            if not has_token(request):
                return refuse(403, "No session token: open the URL 'apigw-wizard serve' printed.")
            return await self.session(request)

        async def session(self, request: web.Request) -> web.WebSocketResponse:
            """textual-serve's handle_websocket, keeping each session so that
            stopping the server ends every tab's wizard first."""
            from textual_serve.app_service import AppService
            from textual_serve.server import to_int

            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)

            async def close() -> None:
                await websocket.close()

            service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
            )
            sessions[service] = websocket
            try:
                await service.start(
                    to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24)
                )
                await self._process_messages(websocket, service)
            finally:
                sessions.pop(service, None)
                await self.end(service, websocket)
            return websocket

        async def end(self, service: Any, websocket: web.WebSocketResponse) -> None:
            import asyncio

            await service.stop()  # asks the wizard to quit, waits for its output to end
            process = service._process
            if process is not None and process.returncode is None:
                try:
                    await asyncio.wait_for(process.wait(), 5)
                except asyncio.TimeoutError:
                    process.kill()
                    await process.wait()
            await websocket.close()

        async def end_sessions(self, _app: web.Application) -> None:
            import asyncio

            await asyncio.gather(*(self.end(s, w) for s, w in list(sessions.items())), return_exceptions=True)

        async def download(self, request: web.Request) -> web.StreamResponse:
            if not has_token(request):
                return refuse(403, "No session token: open the URL 'apigw-wizard serve' printed.")
            return await self.handle_download(request)

    return WizardServer(shlex.join(command), port=port, title="apigw-wizard")


def serve(args: argparse.Namespace) -> int:
    host = args.host
    if args.web_port == args.port:
        _err(f"--web-port {args.web_port} is the local cloud's --port too; give the browser another port")
        return 2
    if not _addresses(host):
        _err(f"--host {host!r} is not an address or a name this machine resolves; e.g. --host 127.0.0.1")
        return 2
    if not is_loopback(host) and not args.allow_remote:
        _err(
            f"--host {host} is not a loopback address: the wizard holds your local cloud's keys and your AWS "
            "credentials, so serve it on 127.0.0.1 and reach it with 'ssh -L', or pass --allow-remote."
        )
        return 2
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        _err(f"apigw-wizard serve needs the serve extra: {INSTALL_HINT}")
        return 2
    if not _check_config(args):
        return 2
    try:
        sock = _bind(host, args.web_port)
    except OSError as exc:
        _err(
            f"cannot listen on {host}:{args.web_port} ({exc.strerror or exc}); "
            f"pass --web-port with another port (e.g. --web-port {args.web_port + 1})"
        )
        return 1
    port = int(sock.getsockname()[1])
    allowed = None if args.allow_remote else frozenset(f"{h}:{port}" for h in ("127.0.0.1", "localhost", "[::1]"))
    token = secrets.token_urlsafe(32)
    server = make_server(wizard_command(args), port, allowed, token)
    server.initialize_logging()
    url = f"http://{_url_host(host, sock)}:{port}/?token={token}"
    print(f"Serving the wizard on {url} ; Ctrl+C to stop", flush=True)
    print("  Each browser tab runs its own wizard; the URL's token is this run's only key to it.", flush=True)
    if args.allow_remote and not is_loopback(host):
        print(
            f"  WARNING: --allow-remote: listening on {host}, over plain HTTP; anyone who sees the URL "
            "can use your local cloud and AWS credentials through it.",
            flush=True,
        )
    from aiohttp import web

    web.run_app(server._make_app(), sock=sock, print=None, shutdown_timeout=3, access_log=None)
    print("Stopped serving the wizard.", flush=True)
    return 0
