"""Load test from a second process on loopback: N signed-in users (32 by default) each asking
for the tracker page and the API's referral list in turn, for a fixed time; prints requests a
second, p50 and p99 in milliseconds, errors, and the memory of each web worker process.

    make serve &                                   # or: python manage.py serve
    python bench/load.py --base-url http://127.0.0.1:8000 --users 32 --seconds 60 \\
        --server-pid "$(pgrep -of 'gunicorn enablement.wsgi')"

Standard library only, so it measures the server and not a client library. Each user signs
in through the sign-in page like a person, so sessions, CSRF and the access door are all
in the path."""

import argparse
import http.client
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

USERS = ("admin.east", "senior.east", "admin.west", "senior.west", "pm.kers", "quality")
PATHS = ("/referrals/", "/api/v1/referrals")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Session:
    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            # A connection the server closed (keep-alive timeout, worker recycled): reopen once.
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/sign-in/")
        token = TOKEN.search(page.decode())
        if status != 200 or token is None:
            raise SystemExit(f"sign-in page answered {status}")
        form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        status, _ = self.request("POST", "/sign-in/", urlencode(form))
        if status != 302:
            raise SystemExit(f"{username} could not sign in ({status})")


def worker_memory(master_pid: int) -> list[int]:
    """Resident memory in MB of each child of the gunicorn master."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        sizes.append(kb // 1024)
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--password", default="enablement-demo")
    parser.add_argument("--server-pid", type=int, help="the gunicorn master, for memory")
    args = parser.parse_args()

    sessions = []
    for i in range(args.users):
        session = Session(args.base_url)
        session.sign_in(USERS[i % len(USERS)], args.password)
        sessions.append(session)

    times: list[list[float]] = [[] for _ in sessions]
    errors: list[list[str]] = [[] for _ in sessions]
    start = threading.Event()
    deadline = [0.0]

    def run(i: int) -> None:
        start.wait()
        n = i
        while time.perf_counter() < deadline[0]:
            path = PATHS[n % len(PATHS)]
            n += 1
            began = time.perf_counter()
            try:
                status, _ = sessions[i].request("GET", path)
            except (http.client.HTTPException, OSError) as exc:
                errors[i].append(f"{path}: {exc!r}")
                continue
            times[i].append(time.perf_counter() - began)
            if status != 200:
                errors[i].append(f"{path}: {status}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sessions))]
    for t in threads:
        t.start()
    began = time.perf_counter()
    deadline[0] = began + args.seconds
    start.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began

    every = sorted(t for ts in times for t in ts)
    failed = [e for es in errors for e in es]
    if not every:
        print("no request completed", file=sys.stderr)
        return 1
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))]
    print(f"users {len(sessions)}, {elapsed:.0f} s, paths {', '.join(PATHS)}")
    print(
        f"requests {len(every)}, {len(every) / elapsed:.1f}/s, "
        f"p50 {statistics.median(every) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"errors {len(failed)}"
    )
    for e in sorted(set(failed))[:10]:
        print("  error:", e)
    if args.server_pid:
        sizes = worker_memory(args.server_pid)
        print(f"web workers {len(sizes)}, resident memory MB each: {sizes}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
