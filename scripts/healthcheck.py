#!/usr/bin/env python3
"""The image's HEALTHCHECK: is `rapport run --http` answering? Standard library only (no curl).

Asks `/readyz`, or `/healthz` where this Rapport has no `/readyz` (404), on
RAPPORT_HEALTH_URL (default http://127.0.0.1:3000); exit 0 when it answers 200, else 1.
In Socket Mode (SLACK_APP_TOKEN set) Rapport serves no HTTP: a refused connection there is
healthy, since the process is alive; the container stops when Rapport does.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

BASE = os.environ.get("RAPPORT_HEALTH_URL", "http://127.0.0.1:3000").rstrip("/")
TIMEOUT = float(os.environ.get("RAPPORT_HEALTH_TIMEOUT", "4"))


def status(path: str) -> int:
    try:
        with urllib.request.urlopen(BASE + path, timeout=TIMEOUT) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as e:
        return e.code


def main() -> int:
    try:
        for path in ("/readyz", "/healthz"):
            code = status(path)
            if code != 404:
                print(f"{BASE}{path}: {code}")
                return 0 if code == 200 else 1
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        if os.environ.get("SLACK_APP_TOKEN", "").strip() and isinstance(reason, ConnectionRefusedError):
            print("Socket Mode: no HTTP to check")
            return 0
        print(f"{BASE}: {reason}")
        return 1
    print(f"{BASE}: neither /readyz nor /healthz")
    return 1


if __name__ == "__main__":
    sys.exit(main())
