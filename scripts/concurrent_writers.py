"""Eight writers at once against a running server (`make run` or `make serve`): count the 5xx.

    .venv/bin/python scripts/concurrent_writers.py http://127.0.0.1:8000 [--writers 8] [--requests 25]

Each writer signs in as branch_a1 (demo data), then records follow-ups and creates leads as fast
as it can. Prints the status counts; exits 1 on any 5xx or connection error.
"""

import argparse
import json
import sys
import threading
import urllib.error
import urllib.request
from collections import Counter


def call(base, method, path, body=None, token=None):
    request = urllib.request.Request(
        base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Token {token}"} if token else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--requests", type=int, default=25)
    args = parser.parse_args()
    status, answer = call(args.base, "POST", "/api/auth/token/", {"username": "branch_a1", "password": "demo-pass-123"})
    token = answer["token"]
    _, me = call(args.base, "GET", "/api/me/", token=token)
    branch = me["memberships"][0]["branch"]
    _, leads = call(args.base, "GET", "/api/leads/list/?page_size=5", token=token)
    lead_ids = [row["id"] for row in leads["results"]]
    counts, lock, start = Counter(), threading.Lock(), threading.Barrier(args.writers)

    def writer(number):
        start.wait()
        for step in range(args.requests):
            if step % 2:
                body = {"lead": lead_ids[step % len(lead_ids)], "remarks": f"writer {number} step {step}"}
                status, _ = call(args.base, "POST", "/api/leads/followup/", body, token)
            else:
                body = {"customer_name": f"Writer {number}", "contact_number": f"0300{number:03d}{step:04d}", "branch": branch}
                status, _ = call(args.base, "POST", "/api/leads/create/", body, token)
            with lock:
                counts[status] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(args.writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"{args.writers} writers x {args.requests} requests: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    sys.exit(1 if any(code >= 500 for code in counts) else 0)


if __name__ == "__main__":
    main()
