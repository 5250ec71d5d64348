"""The desk's lists: missed follow-ups, the assignee picker, and `list/`'s `assigned_to`, `unassigned` and `q`."""

import datetime

from django.utils import timezone

from leads.models import LeadStatus
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import UserFactory, branch_user


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


class MissedFollowUpTests(LeadsAPITestCase):
    def get(self, user, **params):
        self.login(user)
        response = self.client.get(self.url("followup-missed"), params)
        self.assertStatus(response, 200)
        return response

    def test_open_leads_whose_day_passed_oldest_first(self):
        week = LeadFactory(branch=self.branch_a1, next_followup_date=days(-7))
        yesterday = LeadFactory(branch=self.branch_a1, next_followup_date=days(-1))
        LeadFactory(branch=self.branch_a1, next_followup_date=days(0))  # due today: not missed
        LeadFactory(branch=self.branch_a1, next_followup_date=days(1))
        LeadFactory(branch=self.branch_a1, next_followup_date=None)
        LeadFactory(branch=self.branch_a1, next_followup_date=days(-3), lead_status=LeadStatus.CONVERTED)
        LeadFactory(branch=self.branch_a1, next_followup_date=days(-3), lead_status=LeadStatus.LOST)
        body = self.get(self.user_a1).data
        self.assertEqual([row["id"] for row in body["results"]], [week.pk, yesterday.pk])
        self.assertEqual(body["count"], 2)

    def test_rows_have_the_shape_of_todays(self):
        LeadFactory(branch=self.branch_a1, next_followup_date=days(0))
        LeadFactory(branch=self.branch_a1, next_followup_date=days(-1))
        today_row = self.get(self.user_a1).data["results"][0]
        self.login(self.user_a1)
        due_row = self.client.get(self.url("followup-today")).data["results"][0]
        self.assertEqual(set(today_row), set(due_row))
        self.assertIn("outstanding_amount", today_row)

    def test_another_tenants_missed_leads_are_not_listed(self):
        mine = LeadFactory(branch=self.branch_a1, next_followup_date=days(-2))
        LeadFactory(branch=self.branch_a2, next_followup_date=days(-2))
        LeadFactory(branch=self.branch_b1, next_followup_date=days(-2))
        self.assertEqual([row["id"] for row in self.get(self.user_a1).data["results"]], [mine.pk])
        self.assertEqual(len(self.get(self.admin_a).data["results"]), 2)

    def test_filters_by_assignee(self):
        colleague = branch_user(self.branch_a1)
        theirs = LeadFactory(branch=self.branch_a1, next_followup_date=days(-2), assigned_to=colleague)
        LeadFactory(branch=self.branch_a1, next_followup_date=days(-2))
        rows = self.get(self.user_a1, assigned_to=colleague.pk).data["results"]
        self.assertEqual([row["id"] for row in rows], [theirs.pk])


class AssigneeTests(LeadsAPITestCase):
    def get(self, user, **params):
        self.login(user)
        return self.client.get(self.url("assignees"), params)

    def test_the_branchs_active_members_and_its_organizations_admins(self):
        colleague = branch_user(self.branch_a1, user=UserFactory(username="zara", first_name="Zara", last_name="Khan"))
        branch_user(self.branch_a1, user=UserFactory(username="gone", is_active=False))
        response = self.get(self.user_a1, branch=self.branch_a1.pk)
        self.assertStatus(response, 200)
        rows = response.data["results"]
        self.assertEqual([row["username"] for row in rows], ["branch_a1", "orgadmin_a", "zara"])
        self.assertEqual(rows[-1], {"id": colleague.pk, "username": "zara", "full_name": "Zara Khan"})
        # Members of another branch of the organization, of another tenant, and staff are not offered.
        self.assertNotIn("branch_a2", str(rows))
        self.assertNotIn("branch_b1", str(rows))
        self.assertNotIn("staff", [row["username"] for row in rows])

    def test_every_listed_user_is_accepted_as_the_leads_assignee(self):
        rows = self.get(self.user_a1, branch=self.branch_a1.pk).data["results"]
        self.login(self.user_a1)
        for row in rows:
            with self.subTest(user=row["username"]):
                response = self.client.patch(self.url("update", self.lead.pk), {"assigned_to": row["id"]}, format="json")
                self.assertStatus(response, 200)

    def test_a_branch_outside_the_scope_is_a_400_on_branch(self):
        for branch in (self.branch_a2, self.branch_b1):
            with self.subTest(branch=branch.code):
                response = self.get(self.user_a1, branch=branch.pk)
                self.assertStatus(response, 400)
                self.assertIn("branch", response.data)

    def test_branch_is_required(self):
        response = self.get(self.user_a1)
        self.assertStatus(response, 400)
        self.assertIn("branch", response.data)

    def test_an_org_admin_gets_any_branch_of_the_organization(self):
        rows = self.get(self.admin_a, branch=self.branch_a2.pk).data["results"]
        self.assertEqual([row["username"] for row in rows], ["branch_a2", "orgadmin_a"])

    def test_query_count_does_not_grow_with_the_page(self):
        for _ in range(55):
            branch_user(self.branch_a1)
        for page_size in (5, 50):
            with self.subTest(page_size=page_size):
                self.login(self.user_a1)
                # 1 the caller's branch ids, 2 the branch (scoped), 3 count, 4 the page
                with self.assertNumQueries(4):
                    response = self.client.get(self.url("assignees"), {"branch": self.branch_a1.pk, "page_size": page_size})
                self.assertStatus(response, 200)
                self.assertEqual(len(response.data["results"]), page_size)


class ListDeskFilterTests(LeadsAPITestCase):
    def ids(self, **params):
        self.login(self.user_a1)
        response = self.client.get(self.url("list"), params)
        self.assertStatus(response, 200)
        return {row["id"] for row in response.data["results"]}

    def test_unassigned_and_assigned_to(self):
        colleague = branch_user(self.branch_a1)
        theirs = LeadFactory(branch=self.branch_a1, assigned_to=colleague)
        self.assertEqual(self.ids(unassigned="true"), {self.lead.pk})
        self.assertEqual(self.ids(unassigned="false"), {theirs.pk})
        self.assertEqual(self.ids(assigned_to=colleague.pk), {theirs.pk})
        self.assertStatus(self.client.get(self.url("list"), {"unassigned": "yes"}), 400)

    def test_a_phone_typed_any_common_way_finds_the_lead(self):
        found = LeadFactory(branch=self.branch_a1, contact_number="+923215550123")
        LeadFactory(branch=self.branch_a1, contact_number="+923215550124")
        LeadFactory(branch=self.branch_b1, contact_number="+923215550123")  # another tenant's
        for typed in ("0321 5550123", "03215550123", "+92 321 5550123", "0321-5550123", "+923215550123"):
            with self.subTest(typed=typed):
                self.assertEqual(self.ids(q=typed), {found.pk})

    def test_a_whole_phone_is_one_exact_indexed_match_not_a_scan(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.login(self.user_a1)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(self.url("list"), {"q": "0321 5550123"})
        lead_sql = " ".join(q["sql"] for q in queries if 'FROM "leads_lead"' in q["sql"])
        self.assertIn('"leads_lead"."contact_number" = ', lead_sql)
        self.assertNotIn("LIKE", lead_sql.upper())

    def test_q_finds_names_passports_and_cnics_as_typed(self):
        found = LeadFactory(branch=self.branch_a1, customer_name="Zainab Bibi", passport_number="QX7654321",
                            cnic="61101-7654321-9")
        for typed in ("zainab", "qx 7654321", "qx7654321", "6110176543219", "61101-7654321-9"):
            with self.subTest(typed=typed):
                self.assertEqual(self.ids(q=typed), {found.pk})

    def test_query_counts_stay_pinned_with_the_new_filters(self):
        assignee = branch_user(self.branch_a1)
        for _ in range(55):
            LeadFactory(branch=self.branch_a1, assigned_to=assignee, contact_number="+923215550123")
        for params in ({"unassigned": "false"}, {"assigned_to": assignee.pk, "q": "0321 5550123"},
                       {"assigned_to": assignee.pk}):
            for page_size in (5, 50):
                with self.subTest(params=params, page_size=page_size):
                    self.login(self.user_a1)
                    # 1 branch ids, 2 count, 3 the page
                    with self.assertNumQueries(3):
                        response = self.client.get(self.url("list"), {"page_size": page_size, **params})
                    self.assertEqual(len(response.data["results"]), page_size)


class MissedQueryCountTests(LeadsAPITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        assignee = branch_user(cls.branch_a1)
        for n in range(55):
            lead = LeadFactory(branch=cls.branch_a1, next_followup_date=days(-1 - n % 5), assigned_to=assignee)
            LoanCommitmentFactory(lead=lead, promised_clear_date=days(-2))

    def test_query_count_does_not_grow_with_the_page(self):
        for page_size in (5, 50):
            with self.subTest(page_size=page_size):
                self.login(self.user_a1)
                # 1 branch ids, 2 count, 3 the page (lead + branch + assignee + money joined)
                with self.assertNumQueries(3):
                    response = self.client.get(self.url("followup-missed"), {"page_size": page_size})
                self.assertStatus(response, 200)
                self.assertEqual(len(response.data["results"]), page_size)
