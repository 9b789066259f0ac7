"""What the demo data tests (tests/scripts/demo_*.sh) share: a client of
the gateway as the demo accounts, which waits out the rate limit, and the
list of what failed."""
import json
import sys
import time
import urllib.error
import urllib.request


class Demo:
    def __init__(self, url, password, name):
        self.url, self.password, self.name = url, password, name
        self.failures = []

    def check(self, ok, what):
        if not ok:
            self.failures.append(what)
            print(f"{self.name}: FAILED:", what, file=sys.stderr)

    def call(self, token, path, body=None):
        for _ in range(20):
            req = urllib.request.Request(
                self.url + path, data=None if body is None else json.dumps(body).encode(),
                headers={"Content-Type": "application/json"})
            if token:
                req.add_header("Authorization", "Bearer " + token)
            try:
                return json.load(urllib.request.urlopen(req))
            except urllib.error.HTTPError as e:
                if e.code != 429:
                    raise SystemExit(f"{path}: {e.code} {e.read()[:300]!r}")
                time.sleep(int(e.headers.get("Retry-After", "1")))
        raise SystemExit(f"{path}: rate limited throughout")

    def login(self, user):
        return self.call(None, "/api/v1/auth/login",
                         {"username": user, "password": self.password})["token"]
