"""Counts exact up to the limit, an estimate beyond it (`count_is_estimate`), page numbers intact.

The limit is 10,000 in production; these tests lower it (LEADS_EXACT_COUNT_LIMIT) so a few rows
cross it.
"""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from common.api.pagination import EstimatingPaginator, planner_row_estimate
from leads.models import Lead
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory, LoanCommitmentFactory

# The EXPLAIN that asks PostgreSQL's planner for its estimate, only when the count is past the limit.
ESTIMATE_QUERIES = 1 if connection.vendor == "postgresql" else 0


class EstimatedCountTests(LeadsAPITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        for _ in range(11):  # with the lead of the base class: 12 in A1
            lead = LeadFactory(branch=cls.branch_a1, next_followup_date=today)
            LoanCommitmentFactory(lead=lead, promised_clear_date=today - datetime.timedelta(days=3))

    def setUp(self):
        cache.clear()  # estimates remembered by another test's identical query must not answer here
        self.addCleanup(cache.clear)

    def get_list(self, **params):
        self.login(self.user_a1)
        response = self.client.get(self.url("list"), {"branch_id": self.branch_a1.pk, **params})
        self.assertStatus(response, 200)
        return response.data

    def test_count_is_exact_and_unflagged_up_to_the_limit(self):
        with override_settings(LEADS_EXACT_COUNT_LIMIT=12):
            data = self.get_list(page_size=5)
        self.assertEqual(data["count"], 12)
        self.assertNotIn("count_is_estimate", data)

    def test_beyond_the_limit_the_count_is_an_estimate_and_flagged(self):
        with override_settings(LEADS_EXACT_COUNT_LIMIT=10):
            data = self.get_list(page_size=5)
        self.assertIs(data["count_is_estimate"], True)
        self.assertGreaterEqual(data["count"], 11)  # never below what is known to be there
        if connection.vendor != "postgresql":
            self.assertEqual(data["count"], 11)  # the capped count: a lower bound

    def test_page_numbers_keep_working_while_the_count_is_an_estimate(self):
        with override_settings(LEADS_EXACT_COUNT_LIMIT=3):
            pages = [self.get_list(page_size=5, page=number, ordering="created_at") for number in (1, 2, 3)]
            self.login(self.user_a1)
            past_the_end = self.client.get(self.url("list"), {"branch_id": self.branch_a1.pk, "page_size": 5, "page": 4})
        self.assertEqual([len(page["results"]) for page in pages], [5, 5, 2])
        self.assertIsNotNone(pages[0]["next"])
        self.assertIn("page=2", pages[0]["next"])
        self.assertIsNotNone(pages[1]["next"])
        self.assertIsNone(pages[2]["next"])  # the last page: no row follows
        self.assertIsNotNone(pages[2]["previous"])
        ids = [row["id"] for page in pages for row in page["results"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(set(ids), set(Lead.objects.filter(branch=self.branch_a1).values_list("id", flat=True)))
        self.assertEqual(past_the_end.status_code, 404)

    def test_a_full_last_page_has_no_next(self):
        with override_settings(LEADS_EXACT_COUNT_LIMIT=3):
            page = self.get_list(page_size=6, page=2, ordering="created_at")
        self.assertEqual(len(page["results"]), 6)
        self.assertIsNone(page["next"])

    def test_today_and_overdue_loans_estimate_the_same_way(self):
        self.login(self.user_a1)
        with override_settings(LEADS_EXACT_COUNT_LIMIT=4):
            for name in ("followup-today", "overdue-loans"):
                with self.subTest(name=name):
                    data = self.client.get(self.url(name), {"page_size": 5}).data
                    self.assertIs(data["count_is_estimate"], True)
                    self.assertIsNotNone(data["next"])

    def test_query_count_does_not_grow_with_the_matches(self):
        # 1 branch ids, 2 the capped count, (PostgreSQL past the limit: 3 EXPLAIN), then the page.
        for limit, extra in ((100, 0), (3, ESTIMATE_QUERIES)):
            with self.subTest(limit=limit), override_settings(LEADS_EXACT_COUNT_LIMIT=limit):
                self.login(self.user_a1)
                with self.assertNumQueries(3 + extra):
                    self.client.get(self.url("list"), {"branch_id": self.branch_a1.pk, "page_size": 5})

    def test_the_next_pages_of_a_big_list_reuse_the_remembered_estimate(self):
        with override_settings(LEADS_EXACT_COUNT_LIMIT=3):
            first = self.get_list(page_size=5, page=1, ordering="created_at")
            self.login(self.user_a1)
            with self.assertNumQueries(2):  # 1 branch ids, 2 the page: no count, no EXPLAIN
                second = self.client.get(
                    self.url("list"), {"branch_id": self.branch_a1.pk, "page_size": 5, "page": 2, "ordering": "created_at"}
                ).data
        self.assertIs(second["count_is_estimate"], True)
        self.assertEqual(second["count"], first["count"])

    def test_an_exact_count_is_never_remembered(self):
        with override_settings(LEADS_EXACT_COUNT_LIMIT=100):
            self.get_list(page_size=5)
            LeadFactory(branch=self.branch_a1)
            self.assertEqual(self.get_list(page_size=5)["count"], 13)

    def test_the_count_reads_at_most_the_limit_plus_one_rows(self):
        paginator = EstimatingPaginator(Lead.objects.order_by("id"), 5, exact_limit=7)
        self.assertGreater(Lead.objects.count(), 8)
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            paginator.count
        self.assertIn("LIMIT 8", queries[0]["sql"].upper())
        self.assertNotIn("customer_name", queries[0]["sql"])  # nothing per row: no columns, no annotations
        self.assertNotIn("ORDER BY", queries[0]["sql"].upper())

    def test_the_schema_documents_the_flag(self):
        self.login(self.user_a1)
        schema = self.client.get("/api/schema/?format=json").json()
        page = schema["components"]["schemas"]["PaginatedLeadListOutputList"]
        self.assertEqual(page["properties"]["count_is_estimate"]["type"], "boolean")
        self.assertNotIn("count_is_estimate", page.get("required", []))


class LastPageCountTests(LeadsAPITestCase):
    """A page that is not full ends the list: its rows give the exact count, and nothing is counted."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for _ in range(11):  # with the lead of the base class: 12 in A1
            LeadFactory(branch=cls.branch_a1)

    def setUp(self):
        self.login(self.user_a1)
        self.get()  # the session now knows the caller's branch scope: only the list's own queries remain

    def get(self, **params):
        return self.client.get(self.url("list"), {"branch_id": self.branch_a1.pk, "ordering": "created_at", **params})

    def test_a_page_that_is_not_full_costs_no_count_query(self):
        for params, queries, count, has_next in (
            ({"page_size": 20}, 1, 12, False),  # the page alone: 12 rows of 20
            ({"page_size": 5, "page": 3}, 1, 12, False),  # rows 11-12 on page 3: 10 before them + 2
            ({"page_size": 12}, 1, 12, False),  # full, but no row after it: the list ends here
            ({"page_size": 5}, 2, 12, True),  # full with a row after it: the page, then the (capped) count
        ):
            with self.subTest(**params):
                with self.assertNumQueries(queries):
                    response = self.get(**params)
                self.assertStatus(response, 200)
                self.assertEqual(response.data["count"], count)
                self.assertEqual(response.data["next"] is not None, has_next)
                self.assertNotIn("count_is_estimate", response.data)

    def test_the_same_count_and_links_as_counting(self):
        ids = list(Lead.objects.filter(branch=self.branch_a1).order_by("created_at", "-id").values_list("id", flat=True))
        for number in (1, 2, 3):
            with self.subTest(page=number):
                data = self.get(page_size=5, page=number).data
                self.assertEqual([row["id"] for row in data["results"]], ids[(number - 1) * 5 : number * 5])
                self.assertEqual(data["count"], 12)
                self.assertEqual(data["previous"] is not None, number > 1)
                self.assertEqual(data["next"] is not None, number < 3)

    def test_an_empty_first_page_is_a_count_of_zero_and_past_the_end_a_404(self):
        empty = self.client.get(self.url("search"), {"contact": "+923000000000"})
        self.assertStatus(empty, 200)
        self.assertEqual((empty.data["count"], empty.data["results"]), (0, []))
        for page in ("4", str(2**62), str(10**30)):
            with self.subTest(page=page):
                self.assertStatus(self.get(page_size=5, page=page), 404)


class PlannerEstimateTests(LeadsAPITestCase):
    def test_postgresql_answers_the_planners_estimate_and_others_none(self):
        estimate = planner_row_estimate(Lead.objects.filter(branch=self.branch_a1))
        if connection.vendor == "postgresql":
            self.assertIsInstance(estimate, int)
            self.assertGreaterEqual(estimate, 1)
        else:
            self.assertIsNone(estimate)
