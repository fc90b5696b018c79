"""`make run`'s Stripe: a localstripe server beside the service, and the demo school connected.

Starts localstripe (a stateful fake of Stripe's API, from PyPI) on 127.0.0.1:PORT unless one
already answers there, connects the demo school's Stripe account to it with test keys, and
registers the school's webhook endpoint with localstripe, so a workshop paid on the payment
page is confirmed by the same signed webhook Stripe would send. The service itself only sees
IMMERSIO_STRIPE_API_BASE; nothing in it knows this is not Stripe.

Usage: python dev/demo_stripe.py PORT PUBLIC_URL
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

DEMO_ORG = "immersio-academy"
SECRET_KEY = "sk_test_immersio_demo"
PUBLISHABLE_KEY = "pk_test_immersio_demo"
WEBHOOK_SECRET = "whsec_immersio_demo"
EVENTS = [
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.processing",
]
BIN = Path(sys.executable).parent


def answers(base: str) -> bool:
    try:
        httpx.get(f"{base}/v1/customers", auth=(SECRET_KEY, ""), timeout=1)
    except httpx.HTTPError:
        return False
    return True


def start(port: int, data_dir: Path) -> str:
    base = f"http://127.0.0.1:{port}"
    if answers(base):
        return base
    data_dir.mkdir(parents=True, exist_ok=True)
    log = (data_dir / "localstripe.log").open("ab")
    server = subprocess.Popen(
        [str(BIN / "localstripe"), "--port", str(port), "--from-scratch"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # outlives `make run`, like the embedded database
    )
    (data_dir / "localstripe.pid").write_text(str(server.pid))
    deadline = time.monotonic() + 30
    while not answers(base):
        if server.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"localstripe did not start; see {data_dir / 'localstripe.log'}")
        time.sleep(0.2)
    return base


def connect_demo_school(base: str, public_url: str) -> int:
    done = subprocess.run(
        [
            str(BIN / "immersio-booking"),
            "admin",
            "connect-stripe",
            "--org",
            DEMO_ORG,
            "--publishable-key",
            PUBLISHABLE_KEY,
            "--json",
        ],
        check=True,
        capture_output=True,
        text=True,
        # The secrets go in the environment, never on the command line (ps shows it).
        env={
            **os.environ,
            "IMMERSIO_STRIPE_API_BASE": base,
            "IMMERSIO_STRIPE_SECRET_KEY": SECRET_KEY,
            "IMMERSIO_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        },
    )
    org_id = int(json.loads(done.stdout)["organization_id"])
    httpx.post(
        f"{base}/_config/webhooks/{DEMO_ORG}",
        json={
            "url": f"{public_url}/webhooks/stripe/{org_id}",
            "secret": WEBHOOK_SECRET,
            "events": EVENTS,
        },
        timeout=5,
    ).raise_for_status()
    return org_id


def main() -> None:
    port, public_url = int(sys.argv[1]), sys.argv[2].rstrip("/")
    data_dir = Path(os.environ.get("IMMERSIO_DATA_DIR", ".data"))
    base = start(port, data_dir)
    connect_demo_school(base, public_url)
    print(f"Stripe (localstripe) on {base}; the demo school's payments go there.")


if __name__ == "__main__":
    main()
