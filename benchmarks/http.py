"""The HTTP run: the project served by gunicorn on 127.0.0.1, loaded by wrk.

gunicorn serves `benchmarks.wsgi`: the project exactly as production runs it, plus the bare twins
(`/bench-bare/…`) handled without any middleware, with debug off, on the benchmark database. wrk cycles through a list of paths (a small Lua script) with the token
in the Authorization header, and reports requests/s, the latency distribution and errors.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.database import BASE_DIR

HOST = "127.0.0.1"


@dataclass
class HttpResult:
    name: str
    seconds: int
    connections: int
    requests: int
    requests_per_second: float
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    non_2xx: int
    socket_errors: int
    errors: int

    def as_dict(self) -> dict:
        return asdict(self)


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


class Server:
    """gunicorn in a subprocess (its own process group), stopped by its pid when the run ends."""

    def __init__(self, *, port: int, workers: int, log_path: Path):
        self.port = port
        self.workers = workers
        self.log_path = log_path
        self.process = None

    def __enter__(self):
        if _port_in_use(self.port):
            raise RuntimeError(f"{HOST}:{self.port} is already in use; pass --http-port.")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "benchmarks.wsgi", "--bind", f"{HOST}:{self.port}",
                "--workers", str(self.workers), "--log-level", "warning", "--timeout", "60",
            ],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        return self

    def wait_ready(self, token: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(f"http://{HOST}:{self.port}/api/me/", headers={"Authorization": f"Token {token}"})
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log_path}")

    def check(self, path: str, token: str) -> int:
        request = urllib.request.Request(f"http://{HOST}:{self.port}{path}", headers={"Authorization": f"Token {token}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # gunicorn's master stops its workers on SIGTERM
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _lua_script(paths: list[str]) -> str:
    quoted = ",\n".join(f'  "{path}"' for path in paths)
    return (
        f"local paths = {{\n{quoted}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n"
    )


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """requests, requests/s, p50/p99 and error counts from `wrk --latency` output."""
    figures = {"non_2xx": 0, "socket_errors": 0, "latency_p50_ms": None, "latency_p99_ms": None}
    match = re.search(r"(\d+) requests in", output)
    figures["requests"] = int(match.group(1)) if match else 0
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    figures["requests_per_second"] = float(match.group(1)) if match else 0.0
    for label, key in (("50", "latency_p50_ms"), ("99", "latency_p99_ms")):
        match = re.search(rf"^\s+{label}(?:\.000)?%\s+(\S+)", output, re.MULTILINE)
        if match:
            figures[key] = _ms(match.group(1))
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if match:
        figures["non_2xx"] = int(match.group(1))
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if match:
        figures["socket_errors"] = sum(int(group) for group in match.groups())
    return figures


def run_wrk(*, name: str, port: int, token: str, paths: list[str], seconds: int, connections: int, log=print) -> HttpResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua_script(paths))
    try:
        command = [
            "wrk", "--threads", str(min(2, connections)), "--connections", str(connections), "--duration", f"{seconds}s", "--latency",
            "--timeout", "10s", "--header", f"Authorization: Token {token}", "--script", script.name,
            f"http://{HOST}:{port}",
        ]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    finally:
        os.unlink(script.name)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed: {completed.stderr.strip()}")
    figures = parse_wrk(completed.stdout)
    result = HttpResult(
        name=name, seconds=seconds, connections=connections, errors=figures["non_2xx"] + figures["socket_errors"],
        **{key: figures[key] for key in ("requests", "requests_per_second", "latency_p50_ms", "latency_p99_ms",
                                          "non_2xx", "socket_errors")},
    )
    log(f"  {name:<32} {result.requests_per_second:8.1f} req/s  p99 {result.latency_p99_ms} ms  errors {result.errors}")
    return result
