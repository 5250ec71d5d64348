"""A fake Meta Graph API on 127.0.0.1 (a free port) for the tests: leads, forms, paging cursors and failures.

    with FakeGraph() as graph, override_settings(META_GRAPH_URL=graph.url):
        graph.add_lead("111", form_id="77", phone="0300 1234567")
        graph.fail("111", 500, times=2)     # the next two GETs of lead 111 answer 500

Each GET is recorded in `requests` (path and query). Pages of `/{form_id}/leads` hold `page_size` leads and
link the next with `paging.next` (an absolute URL on this server, with an `after` cursor).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

VERSION = "v23.0"
TOKEN = "page-token-1"


class FakeGraph:
    def __init__(self, *, token: str = TOKEN, page_size: int = 2):
        self.token = token
        self.page_size = page_size
        self.leads: dict[str, dict] = {}  # leadgen id → Graph lead
        self.forms: dict[str, list[str]] = {}  # page id → form ids
        self.failures: dict[str, list[tuple[int, dict]]] = {}  # path key → answers to give first
        self.requests: list[tuple[str, dict]] = []
        self._lock = threading.Lock()

    # --- what the fake holds ---------------------------------------------------------------
    def add_lead(self, leadgen_id: str, *, form_id: str = "7001", page_id: str = "5001", name: str = "Bilal Ahmed",
                 phone: str = "0300 1234567", ad_id: str = "9001", adset_id: str = "9101",
                 campaign_id: str = "9201", created_time: str = "2026-01-01T10:00:00+0000", **answers) -> dict:
        field_data = [{"name": "full_name", "values": [name]}, {"name": "phone_number", "values": [phone]}]
        field_data += [{"name": key, "values": [value]} for key, value in answers.items()]
        lead = {"id": leadgen_id, "created_time": created_time, "field_data": field_data, "ad_id": ad_id,
                "adset_id": adset_id, "campaign_id": campaign_id, "form_id": form_id, "platform": "fb",
                "is_organic": False}
        self.leads[leadgen_id] = lead
        if form_id not in self.forms.setdefault(page_id, []):
            self.forms[page_id].append(form_id)
        return lead

    def fail(self, key: str, status: int, *, times: int = 1, code: int | None = None, message: str = "failure"):
        """The next `times` GETs of `key` (a leadgen id, `forms:<page>` or `leads:<form>`) answer `status`."""
        body = {"error": {"message": message, "type": "OAuthException" if code == 190 else "GraphMethodException",
                          "code": code if code is not None else (2 if status >= 500 else 4)}}
        self.failures.setdefault(key, []).extend([(status, body)] * times)

    def requests_for(self, key: str) -> int:
        return sum(1 for path, _query in self.requests if path.endswith(f"/{key}") or f"/{key}/" in path)

    # --- the server ---------------------------------------------------------------------------
    def __enter__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
                with fake._lock:
                    fake.requests.append((parts.path, query))
                status, body = fake.answer(parts.path, query)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def _failure(self, key: str):
        with self._lock:
            queued = self.failures.get(key)
            return queued.pop(0) if queued else None

    def answer(self, path: str, query: dict) -> tuple[int, dict]:
        pieces = [piece for piece in path.split("/") if piece]
        if len(pieces) < 2 or pieces[0] != VERSION:
            return 404, {"error": {"message": "Unknown path", "code": 803}}
        if query.get("access_token") != self.token:
            return 400, {"error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}}
        if len(pieces) == 2:  # /{version}/{leadgen_id}
            failure = self._failure(pieces[1])
            if failure:
                return failure
            lead = self.leads.get(pieces[1])
            if lead is None:
                return 400, {"error": {"message": "Unsupported get request", "code": 100}}
            return 200, lead
        node, edge = pieces[1], pieces[2]
        failure = self._failure(f"{edge}:{node}")
        if failure:
            return failure
        if edge == "leadgen_forms":
            return 200, self._page([{"id": form_id, "name": f"Form {form_id}"} for form_id in self.forms.get(node, [])],
                                   path, query)
        if edge == "leads":
            leads = [lead for lead in self.leads.values() if lead["form_id"] == node]
            return 200, self._page(leads, path, query)
        return 404, {"error": {"message": "Unknown edge", "code": 100}}

    def _page(self, items: list, path: str, query: dict) -> dict:
        start = int(query.get("after") or 0)
        page = items[start:start + self.page_size]
        body = {"data": page, "paging": {"cursors": {"before": str(start), "after": str(start + len(page))}}}
        if start + self.page_size < len(items):
            following = {**query, "after": str(start + self.page_size)}
            body["paging"]["next"] = f"{self.url}{path}?{urlencode(following)}"
        return body
