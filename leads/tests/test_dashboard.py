"""/dashboard/: members only (the admin's sign-in), scoped like the API, nothing loaded from outside."""

import json
import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leads.services import lead_mark_lost
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory, LoanCommitmentFactory


class DashboardTests(LeadsAPITestCase):
    client_class = Client

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        LeadFactory.create_batch(2, branch=cls.branch_a1)
        LeadFactory.create_batch(3, branch=cls.branch_a2)
        LeadFactory.create_batch(4, branch=cls.branch_b1)
        lead_mark_lost(lead=LeadFactory(branch=cls.branch_a2), lost_reason_code="visa")
        overdue = LoanCommitmentFactory(lead=LeadFactory(branch=cls.branch_a1))
        type(overdue).objects.filter(pk=overdue.pk).update(promised_clear_date=timezone.localdate() - timedelta(days=40))

    def open(self, user, **params):
        self.client.force_login(user)
        return self.client.get(reverse("dashboard"), params)

    def charts(self, response):
        return json.loads(re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', response.content.decode(), re.S).group(1))

    def test_anonymous_visitors_go_to_the_admin_sign_in(self):
        response = self.client.get(reverse("dashboard"))
        self.assertRedirects(response, f"{reverse('admin:login')}?next={reverse('dashboard')}", fetch_redirect_response=False)

    def test_a_signed_in_user_without_membership_is_forbidden(self):
        self.assertEqual(self.open(self.nobody).status_code, 403)

    def test_a_branch_user_sees_only_their_branch(self):
        response = self.open(self.user_a1)
        self.assertEqual(response.status_code, 200)
        charts = self.charts(response)
        self.assertEqual(charts["funnel"]["values"][0], 4)  # self.lead, two more, the one owing money
        self.assertEqual(charts["compliance"]["labels"], ["Lahore Main"])
        self.assertEqual(charts["aging"]["counts"], [0, 0, 1, 0, 0])  # 40 days late
        self.assertEqual(float(charts["aging"]["amounts"][2]), 50000.0)
        self.assertEqual(sum(charts["lost"]["values"]), 0)
        self.assertNotContains(response, "Karachi Saddar")
        self.assertNotContains(response, "Islamabad Blue Area")

    def test_another_branch_in_the_picker_is_refused(self):
        for branch in (self.branch_a2, self.branch_b1):
            with self.subTest(branch=branch.code):
                response = self.open(self.user_a1, branch_id=branch.pk)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(self.charts(response)["compliance"]["labels"], ["Lahore Main"])

    def test_an_org_admin_picks_a_branch_of_the_organization(self):
        everything = self.charts(self.open(self.admin_a))
        self.assertEqual(everything["funnel"]["values"][0], 8)
        self.assertEqual(everything["compliance"]["labels"], ["Lahore Main", "Karachi Saddar"])
        only_a2 = self.charts(self.open(self.admin_a, branch_id=self.branch_a2.pk))
        self.assertEqual(only_a2["funnel"]["values"][0], 4)
        self.assertEqual(dict(zip(only_a2["lost"]["codes"], only_a2["lost"]["values"]))["visa"], 1)
        self.assertEqual(only_a2["aging"]["counts"], [0, 0, 0, 0, 0])

    def test_a_bad_period_is_shown_not_a_500(self):
        response = self.open(self.admin_a, **{"from": "2026-12-01", "to": "2026-01-01"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "dashboard-errors", status_code=400)

    def test_the_page_loads_nothing_from_outside_the_service(self):
        html = self.open(self.admin_a).content.decode()
        urls = re.findall(r'(?:src|href|action)="([^"]*)"', html)
        self.assertIn("/static/leads/vendor/chart.umd.min.js", urls)
        self.assertFalse([url for url in urls if re.match(r"^(https?:)?//", url)])

    def test_query_count_does_not_grow_with_branches(self):
        # session, user, memberships → branch ids, branches (picker), branches (report), catalogue,
        # cohort groups, roll-up state, follow-ups due, first contacts, aging (rows, branches),
        # lost-reason labels.
        for user in (self.user_a1, self.admin_a):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                with self.assertNumQueries(13):
                    self.client.get(reverse("dashboard"))

    def test_the_admin_index_links_to_the_dashboard(self):
        self.client.force_login(self.user_a1)
        self.assertContains(self.client.get(reverse("admin:index")), f'href="{reverse("dashboard")}"')
