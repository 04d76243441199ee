"""What an authorizer costs a request in the local cloud. Prints figures;
asserts nothing.

    python bench/authorizers.py [--seconds 5] [--rounds 2] [--connections 16]

One local cloud, four APIs deployed with `apigw-wizard deploy`, the same
hello function behind each: open; the sample Lambda authorizer with its
answers cached (ttl_s 300, the default); the same authorizer run on every
request (ttl_s 0); a JWT authorizer whose issuer is a Cognito pool in the
cloud (the token's signature checked on each request). wrk loads each in
turn, `rounds` times, alternating, so load on the machine falls on all
alike; the figure is each one's throughput as a ratio to the open route's
in the same run. Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.local_cloud import free_port, owner_keys, wizard, wrk  # noqa: E402

CASES = {
    "open": "",
    "lambda, cached": "  authorizer: {type: lambda}\n",
    "lambda, ttl 0": "  authorizer: {type: lambda, ttl_s: 0}\n",
    "jwt (cognito)": "  authorizer: {type: jwt, issuer: local-cognito}\n",
}


def deploy(port: int, state: Path, work: Path, label: str, extra: str) -> dict[str, str]:
    slug = label.split(",")[0].split(" ")[0] + ("-ttl0" if "ttl 0" in label else "")
    config = work / f"{slug}.yaml"
    config.write_text(
        f"function:\n  name: bench-{slug}\napi:\n  name: bench-{slug}-api\n  routes: ['ANY /hello']\n{extra}"
        "test:\n  path: /hello\n"
    )
    where = ["--config", str(config), "--port", str(port), "--state-dir", str(state)]
    out = subprocess.run([*wizard(), "deploy", "--yes", "--json", *where], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"deploy of {label} failed: {out.stderr}")
    return {"url": json.loads(out.stdout)["test_url"], "issuer": json.loads(out.stdout).get("jwt_issuer", "")}


def cognito_token(port: int, issuer: str) -> str:
    """An access token of a user made here in the deployed pool (the
    wizard's own test user keeps its password in the ledger)."""
    idp = boto3.client("cognito-idp", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", **owner_keys())
    pool = issuer.rsplit("/", 1)[1]
    client = idp.list_user_pool_clients(UserPoolId=pool, MaxResults=10)["UserPoolClients"][0]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="bench", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="bench", Password="Bench-Passw0rd!", Permanent=True)
    tokens = idp.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bench", "PASSWORD": "Bench-Passw0rd!"},
    )
    return str(tokens["AuthenticationResult"]["AccessToken"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    from localcloud.client import stop

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        state = work / "state"
        try:
            targets = {label: deploy(port, state, work, label, extra) for label, extra in CASES.items()}
            headers = {
                "open": [],
                "lambda, cached": ["-H", "Authorization: secretToken"],
                "lambda, ttl 0": ["-H", "Authorization: secretToken"],
                "jwt (cognito)": [
                    "-H",
                    f"Authorization: Bearer {cognito_token(port, targets['jwt (cognito)']['issuer'])}",
                ],
            }
            import httpx

            for label, target in targets.items():  # warm: each answers 200 before it is measured
                flags = headers[label]
                sent = {flags[1].split(": ", 1)[0]: flags[1].split(": ", 1)[1]} if flags else {}
                status = httpx.get(target["url"], headers=sent, timeout=30).status_code
                if status != 200:
                    raise SystemExit(f"{label}: {status} before the run")
            rps: dict[str, list[float]] = {label: [] for label in CASES}
            p50: dict[str, list[float]] = {label: [] for label in CASES}
            for _ in range(args.rounds):
                for label, target in targets.items():
                    found = wrk(target["url"], args.connections, 2, args.seconds, headers[label])
                    if found["errors"]:
                        print(f"  {label}: {found['errors']:.0f} errors", file=sys.stderr)
                    rps[label].append(found["rps"])
                    p50[label].append(found["p50_ms"])
        finally:
            stop(port)
    base = median(rps["open"])
    print(f"{args.connections} connections, {args.rounds} rounds of {args.seconds:g} s each, medians:")
    print(f"{'route':<18} {'req/s':>8} {'p50 ms':>8} {'vs open':>8}")
    for label in CASES:
        print(f"{label:<18} {median(rps[label]):8.0f} {median(p50[label]):8.2f} {median(rps[label]) / base:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
