"""In-process timings: each endpoint through Django's test client with a knox token, beside its bare twin.

Every read is timed interleaved with its bare-Django twin (same filter, same page), so both see
the same machine load. Query counts come from a separate pass under `CaptureQueriesContext`,
which would otherwise slow the timed requests down.
"""

import json
import random
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from leads.models import FINAL_LEAD_STATUSES, Lead, LeadStatus
from leads.selectors import overdue_loan_commitments_unscoped

WARMUP = 10
QUERY_SAMPLES = 9
PAGE_SIZE = 50
BENCH_PASSPORT_PREFIX = {"lead": "ZZ", "booking": "ZY"}  # never used by the seeder
BENCH_CONTACT_PREFIX = "+92355"  # a valid mobile prefix the seeder never uses
BENCH_REMARK = "Benchmark follow-up."
LIST_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.INTERESTED)


@dataclass
class Case:
    name: str
    method: str
    request: callable  # i -> (path, body or None)
    expected_status: int
    bare: callable = None  # i -> path
    target_p50_ms: float | None = None
    client: Client | None = None  # another user's client (the big branch's); default the runner's


@dataclass
class Result:
    name: str
    n: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    queries: list
    target_p50_ms: float | None = None
    bare_p50_ms: float | None = None
    bare_p95_ms: float | None = None
    bare_queries: list = field(default_factory=list)
    sql_ms: float | None = None  # median time executing SQL per request (from the query-count pass)
    ratio_p50: float | None = None
    errors: int = 0
    error_sample: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


class Workload:
    """The sampled ids, passports and numbers the requests cycle through, all in the bench user's branch."""

    def __init__(self, *, branch_id: int, scope: list[int], today, requests: int, seed: int = 7):
        self.branch_id = branch_id
        self.scope = ",".join(str(pk) for pk in scope)
        self.today = today
        self.rng = random.Random(seed)
        self.samples = self._sample_leads(max(requests, 50))
        self.due_today_ids = list(
            Lead.objects.filter(branch_id=branch_id, next_followup_date=today)
            .exclude(lead_status__in=FINAL_LEAD_STATUSES)
            .order_by("id")
            .values_list("id", flat=True)[: max(requests, 50)]
        )
        self.nonce = int(time.time()) % 1_000_000
        self.pages = self._page_counts()

    def _sample_leads(self, wanted: int) -> list[tuple]:
        """Random leads with a passport, found by random ids (no ORDER BY random() over the table)."""
        ids = Lead.objects.filter(branch_id=self.branch_id).order_by("id").values_list("id", flat=True)
        low, high = ids.first(), ids.last()
        if low is None:
            raise RuntimeError("The benchmark branch has no leads; reseed with --reseed.")
        found: dict = {}
        for _ in range(20):
            candidates = [self.rng.randint(low, high) for _ in range(wanted * 20)]
            rows = Lead.objects.filter(id__in=candidates, branch_id=self.branch_id).exclude(passport_number="")
            for row in rows.values_list("id", "passport_number", "contact_number"):
                found[row[0]] = row
            if len(found) >= wanted:
                break
        rows = list(found.values())
        self.rng.shuffle(rows)
        return rows[:wanted]

    def _page_counts(self) -> dict:
        """How many of the first pages each list cycles through (up to 5, never past its last page)."""

        def pages(count: int) -> int:
            return max(1, min(5, -(-count // PAGE_SIZE)))

        leads = Lead.objects.filter(branch_id=self.branch_id)
        found = {status: pages(leads.filter(lead_status=status).count()) for status in LIST_STATUSES}
        found["today"] = pages(
            leads.filter(next_followup_date=self.today).exclude(lead_status__in=FINAL_LEAD_STATUSES).count()
        )
        found["overdue"] = pages(
            overdue_loan_commitments_unscoped(as_of=self.today).filter(lead__branch_id=self.branch_id).count()
        )
        return found

    def sample(self, i: int) -> tuple:
        return self.samples[i % len(self.samples)]

    def list_query(self, i: int) -> dict:
        """The list's query string: the branch, one status, one of its first pages, 50 a page."""
        status = LIST_STATUSES[i % len(LIST_STATUSES)]
        page = 1 + (i // len(LIST_STATUSES)) % self.pages[status]
        return {"branch_id": self.branch_id, "lead_status": status, "page": page, "page_size": PAGE_SIZE}

    def local_contact(self, i: int) -> str:
        """The stored +923001234567 as a customer says it: 0300 1234567."""
        number = self.sample(i)[2]
        return f"0{number[3:6]} {number[6:]}"

    def cases(self) -> list[Case]:
        listing = self.list_query
        def paged(which):
            return lambda i: {"page": 1 + i % self.pages[which], "page_size": PAGE_SIZE}

        today, overdue = paged("today"), paged("overdue")

        def bare(path, params):
            return f"/bench-bare/{path}?{urlencode({**params, 'scope': self.scope})}"

        return [
            Case(
                "search by passport", "get",
                lambda i: (f"/api/leads/search/?{urlencode({'passport': self.sample(i)[1].lower()})}", None), 200,
                bare=lambda i: bare("search/", {"passport": self.sample(i)[1].lower()}), target_p50_ms=3,
            ),
            Case(
                "search by contact", "get",
                lambda i: (f"/api/leads/search/?{urlencode({'contact': self.local_contact(i)})}", None), 200,
                bare=lambda i: bare("search/", {"contact": self.local_contact(i)}), target_p50_ms=3,
            ),
            Case(
                "list (branch+status, 50/page)", "get",
                lambda i: (f"/api/leads/list/?{urlencode(listing(i))}", None), 200,
                bare=lambda i: bare("list/", listing(i)), target_p50_ms=25,
            ),
            Case(
                "detail", "get", lambda i: (f"/api/leads/detail/{self.sample(i)[0]}/", None), 200,
                bare=lambda i: f"/bench-bare/detail/{self.sample(i)[0]}/?scope={self.scope}", target_p50_ms=5,
            ),
            Case(
                "followup/today (50/page)", "get",
                lambda i: (f"/api/leads/followup/today/?{urlencode(today(i))}", None), 200,
                bare=lambda i: bare("followup-today/", today(i)), target_p50_ms=15,
            ),
            Case(
                "overdue-loans (50/page)", "get",
                lambda i: (f"/api/leads/overdue-loans/?{urlencode(overdue(i))}", None), 200,
                bare=lambda i: bare("overdue-loans/", overdue(i)), target_p50_ms=20,
            ),
            Case("create lead", "post", self._create_lead, 201),
            Case("record follow-up", "post", self._record_followup, 201),
            Case("create booking (+ its lead)", "post", self._create_booking, 201, target_p50_ms=10),
        ]

    def _serial(self, i: int) -> int:
        return (self.nonce * 10_000 + i) % 10_000_000

    def _create_lead(self, i):
        return "/api/leads/create/", {
            "customer_name": "Benchmark Lead",
            "contact_number": f"0355 {self._serial(i):07d}",
            "passport_number": f"{BENCH_PASSPORT_PREFIX['lead']}{self._serial(i):07d}",
            "branch": self.branch_id,
            "lead_source": "walk_in",
            "area": "Gulberg",
        }

    def _record_followup(self, i):
        return "/api/leads/followup/", {
            "lead": self.due_today_ids[i % len(self.due_today_ids)],
            "contact_method": "call",
            "remarks": BENCH_REMARK,
            "next_followup_date": self.today.isoformat(),
        }

    def _create_booking(self, i):
        serial = (self._serial(i) + 5_000_000) % 10_000_000
        return "/api/bookings/", {
            "branch": self.branch_id,
            "customer_name": "Benchmark Booking",
            "passport_number": f"{BENCH_PASSPORT_PREFIX['booking']}{serial:07d}",
            "contact_number": f"{BENCH_CONTACT_PREFIX}{serial:07d}",
            "total_amount": "250000.00",
            "paid_amount": "50000.00",
        }


class _SqlTimer:
    """An execute wrapper adding up the time spent executing SQL (driver and database, no compilation)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _call(client: Client, method: str, path: str, body):
    if method == "get":
        return client.get(path)
    return client.post(path, data=json.dumps(body), content_type="application/json")


class Runner:
    def __init__(self, *, token: str, workload: Workload, requests: int, log=print):
        self.client = Client(headers={"authorization": f"Token {token}"})
        self.bare_client = Client()
        self.workload = workload
        self.requests = requests
        self.log = log
        self.counter = 0  # every request of a write case gets a fresh serial

    def run(self, case: Case) -> Result:
        api_times, bare_times, errors, sample = [], [], 0, ""
        for phase_count, timed in ((WARMUP, False), (self.requests, True)):
            for _ in range(phase_count):
                i = self.counter
                self.counter += 1
                path, body = case.request(i)
                started = time.perf_counter()
                response = _call(case.client or self.client, case.method, path, body)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != case.expected_status:
                    errors += 1
                    sample = sample or f"{case.method.upper()} {path} -> {response.status_code} {response.content[:300]!r}"
                if case.bare:
                    started = time.perf_counter()
                    bare_response = self.bare_client.get(case.bare(i))
                    bare_elapsed = (time.perf_counter() - started) * 1000
                    if bare_response.status_code != 200:
                        raise RuntimeError(f"bare twin of {case.name} answered {bare_response.status_code}")
                if timed:
                    api_times.append(elapsed)
                    if case.bare:
                        bare_times.append(bare_elapsed)
        result = Result(
            name=case.name, n=len(api_times), p50_ms=percentile(api_times, 0.5), p95_ms=percentile(api_times, 0.95),
            mean_ms=sum(api_times) / len(api_times), queries=[], target_p50_ms=case.target_p50_ms,
            errors=errors, error_sample=sample,
        )
        result.queries, result.sql_ms = self.count_queries(case, with_sql_time=True)
        if case.bare:
            result.bare_p50_ms = percentile(bare_times, 0.5)
            result.bare_p95_ms = percentile(bare_times, 0.95)
            result.bare_queries = self.count_queries(case, bare=True)
            result.ratio_p50 = result.p50_ms / result.bare_p50_ms
        self.log(f"  {case.name:<32} p50 {result.p50_ms:7.2f} ms  p95 {result.p95_ms:7.2f} ms  queries {result.queries}")
        if errors:
            self.log(f"    {errors} unexpected answers, e.g. {sample}")
        return result

    def count_queries(self, case: Case, *, bare: bool = False, with_sql_time: bool = False):
        """Distinct query counts over a few requests (one number when constant), and optionally the
        median time the database took per request."""
        counts, sql_times = set(), []
        for _ in range(QUERY_SAMPLES):
            i = self.counter
            self.counter += 1
            timer = _SqlTimer()
            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
                if bare:
                    self.bare_client.get(case.bare(i))
                else:
                    path, body = case.request(i)
                    _call(case.client or self.client, case.method, path, body)
            counts.add(len(captured.captured_queries))
            sql_times.append(timer.seconds * 1000)
        if with_sql_time:
            return sorted(counts), percentile(sql_times, 0.5)
        return sorted(counts)

    def queries_of(self, path: str, client=None) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            (client or self.client).get(path)
        return [query["sql"] for query in captured.captured_queries]

    def list_queries_by_page_size(self) -> dict:
        """The list's query count at two page sizes: it must not grow with the page (no N+1)."""
        counts = {}
        for size in (10, 100):
            path = f"/api/leads/list/?branch_id={self.workload.branch_id}&page_size={size}"
            counts[size] = len(self.queries_of(path))
        return counts
