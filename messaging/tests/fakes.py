"""Fake provider servers on loopback: the WhatsApp Cloud API and Twilio's Messages API, for tests and benchmarks.

Each is a threaded `http.server` bound to 127.0.0.1 on a free port (port 0). Point the settings at
it (`META_GRAPH_URL=server.url`, `TWILIO_API_URL=server.url`); every request is recorded
(`server.requests`), and answers are scripted: `server.script(response, ...)` queues answers for
the next requests (then the default success comes back). Shared by the outbound tests, the inbound
(webhook) tests and `benchmarks/steps_messaging.py`.

    with FakeWhatsApp() as whatsapp, override_settings(META_GRAPH_URL=whatsapp.url):
        whatsapp.script(whatsapp.error(130429))   # the next send is rate limited
        ...
        assert whatsapp.sent_count() == 1
"""

import base64
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# Meta's documented texts for the codes the tests use (error-codes page of the Cloud API).
WHATSAPP_ERRORS = {
    130429: (400, "Rate limit hit", "Cloud API message throughput has been reached."),
    131056: (400, "(Business Account, Consumer Account) pair rate limit hit",
             "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time."),
    131047: (400, "Re-engagement message",
             "More than 24 hours have passed since the recipient last replied to the sender number."),
    131000: (500, "Something went wrong", "Message failed to send due to an unknown error."),
    190: (401, "Invalid OAuth access token", "The access token is invalid or has expired."),
    100: (400, "Invalid parameter", "A parameter is missing or invalid."),
}
TWILIO_ERRORS = {
    21610: (400, "Attempt to send to unsubscribed recipient"),
    21211: (400, "The 'To' number is not a valid phone number."),
    20429: (429, "Too Many Requests"),
    20003: (401, "Authenticate"),
    20500: (500, "Internal Server Error"),
}


@dataclass
class Answer:
    status: int
    body: dict | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a timeout test sets more than the client waits)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes
    json: dict | None = None
    form: dict | None = None
    answered: int = 0


class _FakeServer:
    """The shared machinery: a threaded server, a request log, scripted answers."""

    def __init__(self):
        self.requests: list[Recorded] = []
        self._scripted: list[Answer] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.latency = 0.0  # seconds added to every answer (benchmarks)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                owner._handle(self)

            def do_GET(self):
                owner._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=type(self).__name__, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def script(self, *answers: Answer) -> None:
        """Answer the next requests with these, in order; then the default success again."""
        with self._lock:
            self._scripted.extend(answers)

    def next_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def _next_answer(self) -> Answer | None:
        with self._lock:
            return self._scripted.pop(0) if self._scripted else None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        recorded = Recorded(method=handler.command, path=urlparse(handler.path).path, headers=dict(handler.headers), body=body)
        content_type = handler.headers.get("Content-Type", "")
        if "json" in content_type:
            try:
                recorded.json = json.loads(body or b"{}")
            except ValueError:
                recorded.json = None
        elif "form" in content_type:
            recorded.form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        answer = self._next_answer() or self.success(recorded)
        if answer.delay or self.latency:
            time.sleep(answer.delay + self.latency)
        recorded.answered = answer.status
        with self._lock:
            self.requests.append(recorded)
        payload = json.dumps(answer.body or {}).encode()
        try:
            handler.send_response(answer.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def success(self, recorded: Recorded) -> Answer:  # pragma: no cover - each fake answers its own way
        raise NotImplementedError

    def sent(self) -> list[Recorded]:
        """The requests answered with a success (what the customer would have received)."""
        with self._lock:
            return [request for request in self.requests if 200 <= request.answered < 300]

    def sent_count(self) -> int:
        return len(self.sent())


class FakeWhatsApp(_FakeServer):
    """`POST /{version}/{phone_number_id}/messages` of the WhatsApp Cloud API."""

    def __init__(self, *, access_token: str | None = None):
        super().__init__()
        self.access_token = access_token  # when set, any other bearer token is a 401 (code 190)

    def success(self, recorded: Recorded) -> Answer:
        if not recorded.path.endswith("/messages") or recorded.method != "POST":
            return Answer(404, {"error": {"message": "Unknown path", "code": 100}})
        if self.access_token and recorded.headers.get("Authorization") != f"Bearer {self.access_token}":
            return self.error(190)
        to = (recorded.json or {}).get("to", "")
        return Answer(200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": f"wamid.FAKE{self.next_id():012d}"}],
        })

    @staticmethod
    def error(code: int, *, retry_after: int | None = None) -> Answer:
        status, message, details = WHATSAPP_ERRORS[code]
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return Answer(status, {"error": {
            "message": f"({code}) {message}", "type": "OAuthException", "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details}, "fbtrace_id": "AfakeTrace",
        }}, headers)

    def phone_number_ids(self) -> list[str]:
        return [request.path.split("/")[-2] for request in self.sent()]

    def opaque_ids(self) -> list[str]:
        """`biz_opaque_callback_data` of each message sent: our message ids (duplicates show up here)."""
        return [(request.json or {}).get("biz_opaque_callback_data", "") for request in self.sent()]


class FakeTwilio(_FakeServer):
    """`POST /2010-04-01/Accounts/{AccountSid}/Messages.json` of Twilio's REST API."""

    def __init__(self, *, auth_token: str | None = None):
        super().__init__()
        self.auth_token = auth_token

    def success(self, recorded: Recorded) -> Answer:
        parts = recorded.path.strip("/").split("/")
        if len(parts) != 4 or parts[0] != "2010-04-01" or parts[3] != "Messages.json":
            return Answer(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
        if self.auth_token is not None:
            expected = "Basic " + base64.b64encode(f"{parts[2]}:{self.auth_token}".encode()).decode()
            if recorded.headers.get("Authorization") != expected:
                return self.error(20003)
        form = recorded.form or {}
        return Answer(201, {
            "sid": f"SM{self.next_id():032x}", "status": "queued", "to": form.get("To"), "from": form.get("From"),
            "body": form.get("Body"), "account_sid": parts[2],
        })

    @staticmethod
    def error(code: int, *, retry_after: int | None = None) -> Answer:
        status, message = TWILIO_ERRORS[code]
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return Answer(status, {
            "code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status,
        }, headers)
