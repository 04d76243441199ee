"""What `?` shows on each step: what the step does, as the console's own
help panel would say it, and the keys that act on it."""

from __future__ import annotations

KEYS = (
    "Keys: Enter presses the focused button (each step starts on its main action), Tab moves between "
    "fields, Esc goes back (or closes a dialog or the Keys panel), Ctrl+P opens the command palette "
    "(jump to a step, Export, Clean up), F2 shows the AWS CLI equivalent, ? this help, Ctrl+Q quits."
)

STEP_HELP = {
    "target": (
        "Target: where the tutorial's resources are made. The local cloud (default) needs no account and no "
        "Docker: it runs on 127.0.0.1 on the port shown, with its state in the folder shown; Start, Restart "
        "and Stop control it, and a cloud another user runs on the port is never used. AWS uses your "
        "profile (SSO works), region and, optionally, an endpoint URL for another emulator."
    ),
    "function": (
        "Create function: as the Lambda console's 'Author from scratch'. The name, runtime and architecture, "
        "the code (the console's hello world, a .py file, a folder or a .zip) and the execution role (a new "
        "one with basic permissions: logs for this function only). 'Create function' creates it, or updates "
        "it when it exists and the settings changed."
    ),
    "api": (
        "Create API: as the API Gateway console's flow. First choose the API type (HTTP, the tutorial's; "
        "WebSocket; or REST) with the arrow keys and Enter; then the Lambda integration (payload 2.0 for "
        "HTTP), the routes (ANY /my-function by default; WebSocket's route keys), the stage ($default with "
        "auto-deploy for HTTP: no stage in the URL; REST deploys on Create), access and the review. "
        "'Create' or 'Update API' changes AWS; 'Next' only moves on."
    ),
    "test": (
        "Test: sends a request to the invoke URL and shows the status, headers and body, the function's log "
        "lines for that request and, on the local cloud, the event the function received and what it "
        "returned. Copy the URL or a curl command (OSC 52: works over SSH when the terminal allows it). "
        "F6 turns hot reload on or off: while on, saving the function's code folder or file updates the "
        "function at once (no redeploy), and the line under the buttons says when it last did."
    ),
    "monitor": (
        "Monitor: the API's requests, 4xx, 5xx and latency, and the function's invocations, errors and "
        "duration, from CloudWatch (the local cloud records the same metrics), refreshed while you watch. "
        "'Send 100 requests' makes some traffic."
    ),
    "cleanup": (
        "Clean up: deletes what this wizard created (and only that), in dependency order, after you confirm; "
        "the confirmation starts on Cancel, and on AWS you type the API's name."
    ),
}


def help_text(step: str) -> str:
    return f"{STEP_HELP.get(step, '')}\n\n{KEYS}".strip()
