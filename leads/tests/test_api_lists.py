"""The lead list, today's follow-ups and overdue loans: filters, pagination, scoping, query counts."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leads.models import LeadSource, LeadStatus, LoanStatus
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import branch_user


def ids(response):
    return [row["id"] for row in response.data["results"]]


class LeadListTests(LeadsAPITestCase):
    def setUp(self):
        self.login(self.user_a1)

    def list(self, **params):
        response = self.client.get(self.url("list"), params)
        self.assertStatus(response, 200)
        return response

    def test_rows_carry_what_a_table_needs(self):
        row = self.list().data["results"][0]
        for field in (
            "id", "customer_name", "contact_number", "passport_number", "branch", "branch_name", "lead_status",
            "lead_source", "next_followup_date", "last_contacted_at", "assigned_to", "created_at",
        ):
            self.assertIn(field, row)

    def test_only_returns_leads_of_the_callers_branches(self):
        sister = LeadFactory(branch=self.branch_a2)
        foreign = LeadFactory(branch=self.branch_b1)
        self.assertEqual(ids(self.list()), [self.lead.pk])
        self.login(self.admin_a)
        self.assertEqual(set(ids(self.list())), {self.lead.pk, sister.pk})
        self.login(self.admin_b)
        self.assertEqual(ids(self.list()), [foreign.pk])
        self.login(self.staff)
        self.assertEqual(self.list().data["count"], 3)

    def test_filter_on_another_branch_id_shows_nothing(self):
        LeadFactory(branch=self.branch_a2)
        self.assertEqual(ids(self.list(branch_id=self.branch_a2.pk)), [])

    def test_each_filter(self):
        today = timezone.localdate()
        colleague = branch_user(self.branch_a1)
        self.login(self.admin_a)
        a2 = LeadFactory(branch=self.branch_a2, area="Saddar")
        interested = LeadFactory(branch=self.branch_a1, lead_status=LeadStatus.INTERESTED, lead_source=LeadSource.REFERRAL)
        lost = LeadFactory(branch=self.branch_a1, lead_status=LeadStatus.LOST)
        due_today = LeadFactory(branch=self.branch_a1, next_followup_date=today, assigned_to=colleague)
        due_later = LeadFactory(branch=self.branch_a1, next_followup_date=today + datetime.timedelta(days=5))
        old = LeadFactory(branch=self.branch_a1)
        old.__class__.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
        named = LeadFactory(branch=self.branch_a1, customer_name="Zainab Siddiqui", contact_number="+923214567890",
                            passport_number="QX7654321", cnic="61101-7654321-9")
        cases = [
            ({"branch_id": self.branch_a2.pk}, {a2.pk}),
            ({"lead_status": "interested"}, {interested.pk}),
            ({"lead_status": ["interested", "lost"]}, {interested.pk, lost.pk}),
            ({"lead_source": "referral"}, {interested.pk}),
            ({"is_open": "false"}, {lost.pk}),
            ({"next_followup_date": today.isoformat()}, {due_today.pk}),
            ({"next_followup_date_after": (today + datetime.timedelta(days=1)).isoformat()}, {due_later.pk}),
            ({"next_followup_date_before": today.isoformat()}, {due_today.pk}),
            ({"assigned_to": colleague.pk}, {due_today.pk}),
            ({"created_at_before": (today - datetime.timedelta(days=1)).isoformat()}, {old.pk}),
            ({"area": "saddar"}, {a2.pk}),
            ({"q": "zainab"}, {named.pk}),
            ({"q": "0321 4567890"}, {named.pk}),
            ({"q": "4567890"}, {named.pk}),
            ({"q": "qx 765"}, {named.pk}),
            ({"q": "6110176543219"}, {named.pk}),
            ({"q": "61101-7654321-9"}, {named.pk}),
        ]
        for params, expected in cases:
            with self.subTest(params=params):
                self.assertEqual(set(ids(self.list(page_size=100, **params))), expected)
        everything = set(ids(self.list(page_size=100)))
        after = self.list(page_size=100, created_at_after=today.isoformat())
        self.assertEqual(set(ids(after)), everything - {old.pk})

    def test_ordering(self):
        self.login(self.admin_a)
        today = timezone.localdate()
        later = LeadFactory(branch=self.branch_a1, customer_name="Aaron", next_followup_date=today + datetime.timedelta(days=2))
        sooner = LeadFactory(branch=self.branch_a1, customer_name="Zed", next_followup_date=today)
        self.assertEqual(ids(self.list(ordering="customer_name"))[0], later.pk)
        self.assertEqual(ids(self.list(ordering="-customer_name"))[0], sooner.pk)
        self.assertEqual(ids(self.list(ordering="next_followup_date", next_followup_date_after=today.isoformat())), [sooner.pk, later.pk])
        self.assertEqual(ids(self.list())[0], sooner.pk)  # default: newest first

    def test_bad_filter_values_are_400_naming_the_parameter(self):
        cases = {
            "lead_status": "sleeping",
            "lead_source": "pigeon",
            "next_followup_date": "2026-13-01",
            "next_followup_date_after": "yesterday",
            "created_at_before": "0000-00-00",
            "branch_id": "abc",
            "assigned_to": str(10**30),
            "ordering": "password",
            "is_open": "maybe",
            "q": "x" * 101,
            "area": "a\x00b",
        }
        for name, value in cases.items():
            with self.subTest(name=name):
                response = self.client.get(self.url("list"), {name: value})
                self.assertStatus(response, 400)
                self.assertEqual(list(response.data), [name])

    def test_nul_byte_in_q_is_400(self):
        self.assertStatus(self.client.get(self.url("list"), {"q": "ab\x00c"}), 400)

    def test_page_size_is_capped_at_100_and_non_positive_values_are_400(self):
        LeadFactory.create_batch(104, branch=self.branch_a1)
        self.assertEqual(len(self.list(page_size=1000).data["results"]), 100)
        self.assertEqual(len(self.list(page_size=10**40).data["results"]), 100)
        self.assertEqual(len(self.list(page_size=5).data["results"]), 5)
        for bad in ("0", "-3", "abc"):
            with self.subTest(page_size=bad):
                # Not a positive integer: a 400 naming it (the schema says integer >= 1; found by make fuzz).
                response = self.client.get(self.url("list"), {"page_size": bad})
                self.assertStatus(response, 400)
                self.assertEqual(set(response.data), {"page_size"})
        second = self.list(page_size=100, page=2)
        self.assertEqual((second.data["count"], len(second.data["results"])), (105, 5))
        self.assertIsNone(second.data["next"])

    def test_bad_page_is_404_not_500(self):
        for page in ("abc", "0", "999", str(10**30)):
            with self.subTest(page=page):
                response = self.client.get(self.url("list"), {"page": page})
                self.assertStatus(response, 404)
                self.assertEqual(set(response.data), {"detail"})


class RowColumnsTests(LeadsAPITestCase):
    """Rows read only the columns a table row shows: every kind of row, no query per row, the detail's values."""

    def test_every_kind_of_row_in_the_fixed_queries_with_the_details_values(self):
        from booking.tests.factories import BookingFactory
        from leads.models import LostReason

        today = timezone.localdate()
        visa = LostReason.objects.get(organization=self.alpha, code="visa")  # the catalogue every organization starts with
        leads = [
            LeadFactory(branch=self.branch_a1, assigned_to=branch_user(self.branch_a1), next_followup_date=today),
            LeadFactory(branch=self.branch_a1, lead_status=LeadStatus.LOST, lost_reason_category=visa, lost_at=timezone.now()),
            LeadFactory(branch=self.branch_a1, lead_status=LeadStatus.LOST, lost_reason="Too dear", lost_at=timezone.now()),
            LeadFactory(
                branch=self.branch_a1, lead_status=LeadStatus.CONVERTED, converted_at=timezone.now(),
                booking=BookingFactory(branch=self.branch_a1),
            ),
        ]
        LoanCommitmentFactory(lead=leads[0], promised_clear_date=today - datetime.timedelta(days=2))
        self.login(self.user_a1)
        self.client.get(self.url("list"))  # the caller's scope, memoised for the session
        for name, params, queries in (
            ("list", {"page_size": 50}, 1),
            ("search", {"contact": leads[1].contact_number}, 1),
            ("followup-today", {}, 1),
        ):
            with self.subTest(name):
                with self.assertNumQueries(queries):
                    rows = self.client.get(self.url(name), params).data["results"]
                self.assertTrue(rows)
                for row in rows:
                    detail = self.client.get(self.url("detail", row["id"])).data
                    self.assertEqual(row, {key: detail[key] for key in row})


class ListQueryCountTests(LeadsAPITestCase):
    """Query counts do not grow with the page: every row's related data comes in the same queries."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        assignee = branch_user(cls.branch_a1)
        for _ in range(60):
            lead = LeadFactory(branch=cls.branch_a1, next_followup_date=today, assigned_to=assignee)
            LoanCommitmentFactory(lead=lead, promised_clear_date=today - datetime.timedelta(days=2))

    def assertQueriesAtPageSizes(self, url, queries, **params):
        for page_size in (5, 50):
            with self.subTest(page_size=page_size):
                self.login(self.user_a1)
                with self.assertNumQueries(queries):
                    response = self.client.get(url, {"page_size": page_size, **params})
                self.assertStatus(response, 200)
                self.assertEqual(len(response.data["results"]), page_size)

    def test_list(self):
        # 1 the caller's branch ids, 2 count, 3 the page (lead + branch + assignee joined)
        self.assertQueriesAtPageSizes(self.url("list"), 3, q="lp", ordering="-next_followup_date")

    def test_followup_today(self):
        # 1 branch ids, 2 count, 3 the page
        self.assertQueriesAtPageSizes(self.url("followup-today"), 3)

    def test_overdue_loans(self):
        # 1 branch ids, 2 count, 3 the page (commitment + lead + branch joined)
        self.assertQueriesAtPageSizes(self.url("overdue-loans"), 3)

    def test_overdue_loans_with_those_due_today(self):
        # 1 branch ids, 2 count, 3 the page: the same queries as without (one bound of the same column)
        self.assertQueriesAtPageSizes(self.url("overdue-loans"), 3, include_due_today="true")

    def test_overdue_loans_reads_only_the_lead_columns_a_row_shows(self):
        self.login(self.user_a1)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url("overdue-loans"), {"page_size": 5})
        self.assertStatus(response, 200)
        page_sql = next(query["sql"] for query in queries if "leads_loancommitment" in query["sql"] and "LIMIT" in query["sql"])
        self.assertIn('"leads_lead"."customer_name"', page_sql)
        self.assertNotIn('"leads_lead"."passport_number"', page_sql)
        row = response.data["results"][0]
        self.assertTrue(row["customer_name"] and row["contact_number"] and row["branch_name"])
        self.assertEqual(row["branch"], self.branch_a1.pk)

    def test_search(self):
        for matches in (5, 50):
            with self.subTest(matches=matches):
                contact = f"+9230099{matches:05d}"
                for lead in LeadFactory._meta.model.objects.filter(branch=self.branch_a1)[:matches]:
                    lead.contact_number = contact
                    lead.save()
                self.login(self.user_a1)
                # 1 branch ids, 2 the page of matching leads (+ branch + assignee joined), fetched with
                # one row more than its 20; 3 the count, only when that row exists (more than one page)
                with self.assertNumQueries(2 if matches <= 20 else 3):
                    response = self.client.get(self.url("search"), {"contact": contact})
                self.assertEqual(response.data["count"], matches)
                self.assertEqual(len(response.data["results"]), min(matches, 20))

    def test_lead_followups_and_commitments(self):
        lead = LeadFactory(branch=self.branch_a1)
        for _ in range(50):
            LoanCommitmentFactory(lead=lead)
        for page_size in (5, 50):
            with self.subTest(page_size=page_size):
                self.login(self.user_a1)
                # 1 branch ids, 2 the lead, 3 the page (one row more than its size), 4 the count
                # only when that row exists: 50 of 50 end the list
                with self.assertNumQueries(4 if page_size < 50 else 3):
                    response = self.client.get(self.url("lead-loan-commitments", lead.pk), {"page_size": page_size})
                self.assertEqual(len(response.data["results"]), page_size)


class FollowUpTodayTests(LeadsAPITestCase):
    def test_open_leads_due_today_in_scope_only(self):
        today = timezone.localdate()
        due = LeadFactory(branch=self.branch_a1, next_followup_date=today)
        contacted = LeadFactory(
            branch=self.branch_a1, next_followup_date=today, last_contacted_at=timezone.now()
        )
        LeadFactory(branch=self.branch_a1, next_followup_date=today, lead_status=LeadStatus.CONVERTED)
        LeadFactory(branch=self.branch_a1, next_followup_date=today, lead_status=LeadStatus.LOST)
        LeadFactory(branch=self.branch_a1, next_followup_date=today - datetime.timedelta(days=1))
        LeadFactory(branch=self.branch_a1, next_followup_date=today + datetime.timedelta(days=1))
        LeadFactory(branch=self.branch_a2, next_followup_date=today)
        LeadFactory(branch=self.branch_b1, next_followup_date=today)
        self.login(self.user_a1)
        response = self.client.get(self.url("followup-today"))
        self.assertStatus(response, 200)
        self.assertEqual(ids(response), [due.pk, contacted.pk])  # never contacted first

    def test_today_is_the_organizations_local_day_not_utcs(self):
        # 20:00 UTC on 1 March is already 01:00 on 2 March in Karachi (UTC+5).
        instant = datetime.datetime(2026, 3, 1, 20, 0, tzinfo=datetime.timezone.utc)
        local_day = LeadFactory(branch=self.branch_a1, next_followup_date=datetime.date(2026, 3, 2))
        LeadFactory(branch=self.branch_a1, next_followup_date=datetime.date(2026, 3, 1))
        self.login(self.user_a1)
        with self.settings(TIME_ZONE="Asia/Karachi"), time_machine.travel(instant, tick=False):
            response = self.client.get(self.url("followup-today"))
        self.assertEqual(ids(response), [local_day.pk])

    def test_filters(self):
        today = timezone.localdate()
        colleague = branch_user(self.branch_a1)
        mine = LeadFactory(branch=self.branch_a1, next_followup_date=today, assigned_to=colleague)
        LeadFactory(branch=self.branch_a1, next_followup_date=today)
        sister = LeadFactory(branch=self.branch_a2, next_followup_date=today)
        self.login(self.admin_a)
        self.assertEqual(ids(self.client.get(self.url("followup-today"), {"assigned_to": colleague.pk})), [mine.pk])
        self.assertEqual(ids(self.client.get(self.url("followup-today"), {"branch_id": self.branch_a2.pk})), [sister.pk])
        self.assertStatus(self.client.get(self.url("followup-today"), {"branch_id": "x"}), 400)


class OverdueLoanTests(LeadsAPITestCase):
    def test_overdue_from_dates_before_the_job_runs(self):
        today = timezone.localdate()
        pending_past = LoanCommitmentFactory(lead=self.lead, promised_clear_date=today - datetime.timedelta(days=3))
        marked = LoanCommitmentFactory(
            lead=self.lead, promised_clear_date=today - datetime.timedelta(days=1), status=LoanStatus.OVERDUE
        )
        LoanCommitmentFactory(lead=self.lead, promised_clear_date=today)
        LoanCommitmentFactory(lead=self.lead, promised_clear_date=today - datetime.timedelta(days=9), status=LoanStatus.CLEARED)
        LoanCommitmentFactory(lead=self.lead, promised_clear_date=today - datetime.timedelta(days=9), status=LoanStatus.CANCELLED)
        LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_a2), promised_clear_date=today - datetime.timedelta(days=3))
        LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_b1), promised_clear_date=today - datetime.timedelta(days=3))
        self.login(self.user_a1)
        response = self.client.get(self.url("overdue-loans"))
        self.assertStatus(response, 200)
        self.assertEqual(ids(response), [pending_past.pk, marked.pk])
        first = response.data["results"][0]
        self.assertEqual((first["days_overdue"], first["status"], first["customer_name"]), (3, "pending", "Muhammad Asif"))
        self.assertEqual(first["branch"], self.branch_a1.pk)

    def test_overdue_is_judged_on_the_organizations_local_day(self):
        # 20:00 UTC on 1 March is already 2 March in Karachi: a promise for 1 March is one day late.
        instant = datetime.datetime(2026, 3, 1, 20, 0, tzinfo=datetime.timezone.utc)
        late = LoanCommitmentFactory(lead=self.lead, promised_clear_date=datetime.date(2026, 3, 1))
        LoanCommitmentFactory(lead=self.lead, promised_clear_date=datetime.date(2026, 3, 2))
        self.login(self.user_a1)
        with self.settings(TIME_ZONE="Asia/Karachi"), time_machine.travel(instant, tick=False):
            response = self.client.get(self.url("overdue-loans"))
        self.assertEqual(ids(response), [late.pk])
        self.assertEqual(response.data["results"][0]["days_overdue"], 1)

    def test_only_returns_commitments_of_the_callers_branches(self):
        past = timezone.localdate() - datetime.timedelta(days=3)
        own = LoanCommitmentFactory(lead=self.lead, promised_clear_date=past)
        sister = LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_a2), promised_clear_date=past)
        foreign = LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_b1), promised_clear_date=past)
        for user, expected in ((self.user_a1, {own.pk}), (self.admin_a, {own.pk, sister.pk}), (self.admin_b, {foreign.pk})):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(set(ids(self.client.get(self.url("overdue-loans")))), expected)

    def test_filters(self):
        past = timezone.localdate() - datetime.timedelta(days=3)
        own = LoanCommitmentFactory(lead=self.lead, promised_clear_date=past)
        sister = LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_a2), promised_clear_date=past)
        self.login(self.admin_a)
        self.assertEqual(ids(self.client.get(self.url("overdue-loans"), {"branch_id": self.branch_a2.pk})), [sister.pk])
        self.assertEqual(ids(self.client.get(self.url("overdue-loans"), {"lead": self.lead.pk})), [own.pk])
        self.assertStatus(self.client.get(self.url("overdue-loans"), {"lead": "-1"}), 400)


class DueTodayOrOverdueLoanTests(LeadsAPITestCase):
    """`overdue-loans/?include_due_today=true`: the list also names today's promises, nothing else changes."""

    def setUp(self):
        self.today = timezone.localdate()
        self.late = LoanCommitmentFactory(lead=self.lead, promised_clear_date=self.today - datetime.timedelta(days=2))
        self.due = LoanCommitmentFactory(lead=self.lead, promised_clear_date=self.today)
        LoanCommitmentFactory(lead=self.lead, promised_clear_date=self.today + datetime.timedelta(days=1))
        LoanCommitmentFactory(lead=self.lead, promised_clear_date=self.today, status=LoanStatus.CLEARED)
        LoanCommitmentFactory(lead=self.lead, promised_clear_date=self.today, status=LoanStatus.CANCELLED)
        LoanCommitmentFactory(lead=self.lead, promised_clear_date=self.today, status=LoanStatus.RESCHEDULED)
        self.login(self.user_a1)

    def get(self, **params):
        response = self.client.get(self.url("overdue-loans"), params)
        self.assertStatus(response, 200)
        return response

    def test_todays_open_promises_follow_the_late_ones_with_zero_days_overdue(self):
        response = self.get(include_due_today="true")
        self.assertEqual(ids(response), [self.late.pk, self.due.pk])
        self.assertEqual([row["days_overdue"] for row in response.data["results"]], [2, 0])
        self.assertEqual(response.data["count"], 2)

    def test_without_it_the_list_keeps_its_meaning_promised_before_today(self):
        for params in ({}, {"include_due_today": "false"}, {"include_due_today": ""}):
            with self.subTest(params=params):
                self.assertEqual(ids(self.get(**params)), [self.late.pk])

    def test_a_value_other_than_true_or_false_is_a_400_naming_it(self):
        for value in ("yes", "1", "True"):
            with self.subTest(value=value):
                response = self.client.get(self.url("overdue-loans"), {"include_due_today": value})
                self.assertStatus(response, 400)
                self.assertEqual(response.data, {"include_due_today": ["Must be true or false."]})

    def test_today_is_the_organizations_local_day_not_utcs(self):
        # 20:00 UTC on 1 March is already 2 March in Karachi: a promise for 1 March is a day late, one
        # for 2 March is due today, one for 3 March is not due yet.
        instant = datetime.datetime(2026, 3, 1, 20, 0, tzinfo=datetime.timezone.utc)
        lead = LeadFactory(branch=self.branch_a1)
        late = LoanCommitmentFactory(lead=lead, promised_clear_date=datetime.date(2026, 3, 1))
        due = LoanCommitmentFactory(lead=lead, promised_clear_date=datetime.date(2026, 3, 2))
        LoanCommitmentFactory(lead=lead, promised_clear_date=datetime.date(2026, 3, 3))
        with self.settings(TIME_ZONE="Asia/Karachi"), time_machine.travel(instant, tick=False):
            rows = self.get(include_due_today="true", lead=lead.pk).data["results"]
        self.assertEqual([(row["id"], row["days_overdue"]) for row in rows], [(late.pk, 1), (due.pk, 0)])

    def test_only_returns_commitments_of_the_callers_branches(self):
        sister = LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_a2), promised_clear_date=self.today)
        foreign = LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_b1), promised_clear_date=self.today)
        for user, expected in (
            (self.user_a1, {self.late.pk, self.due.pk}),
            (self.admin_a, {self.late.pk, self.due.pk, sister.pk}),
            (self.admin_b, {foreign.pk}),
        ):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(set(ids(self.get(include_due_today="true"))), expected)

    def test_filters_still_apply(self):
        sister = LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_a2), promised_clear_date=self.today)
        self.login(self.admin_a)
        self.assertEqual(ids(self.get(include_due_today="true", branch_id=self.branch_a2.pk)), [sister.pk])

    def test_the_schema_documents_it_as_an_optional_boolean_defaulting_to_false(self):
        from drf_spectacular.generators import SchemaGenerator

        operation = SchemaGenerator().get_schema(request=None, public=True)["paths"]["/api/leads/overdue-loans/"]["get"]
        [parameter] = [item for item in operation["parameters"] if item["name"] == "include_due_today"]
        self.assertEqual((parameter["in"], parameter["schema"]), ("query", {"type": "boolean", "default": False}))
        self.assertFalse(parameter.get("required", False))
