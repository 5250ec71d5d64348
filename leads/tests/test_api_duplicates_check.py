"""`GET duplicates/`: the create's duplicate hints, asked before anything is saved."""

from django.core.cache import cache

from leads.models import Lead
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory
from common.testing.throttling import rates


class DuplicateCheckTests(LeadsAPITestCase):
    def check(self, user, **params):
        self.login(user)
        return self.client.get(self.url("duplicates"), params)

    def test_answers_exactly_what_the_create_answers_and_saves_nothing(self):
        mine = LeadFactory(branch=self.branch_a1, customer_name="Visible", contact_number="+923001112223")
        LeadFactory(branch=self.branch_a2, customer_name="Secret Customer", cnic="35202-1234567-1")
        LeadFactory(branch=self.branch_b1, contact_number="+923001112223")  # another tenant: never hinted
        before = Lead.objects.count()
        response = self.check(self.user_a1, contact_number="0300 1112223", cnic="3520212345671")
        self.assertStatus(response, 200)
        self.assertEqual(Lead.objects.count(), before)
        self.assertEqual(response.data, {
            "possible_duplicates": [{"id": mine.pk, "customer_name": "Visible", "branch": self.branch_a1.pk}],
            "known_at_branches": [self.branch_a2.name],
        })
        created = self.client.post(self.url("create"), {
            "customer_name": "New", "contact_number": "03001112223", "cnic": "35202-1234567-1", "branch": self.branch_a1.pk,
        }, format="json")
        self.assertStatus(created, 201)
        self.assertEqual(created.data["possible_duplicates"], response.data["possible_duplicates"])
        self.assertEqual(created.data["known_at_branches"], response.data["known_at_branches"])
        self.assertNotIn("Secret Customer", str(response.data))

    def test_a_passport_match_is_listed(self):
        holder = LeadFactory(branch=self.branch_a1, passport_number="AB1234567")
        elsewhere = LeadFactory(branch=self.branch_a2, passport_number="CD7654321")
        body = self.check(self.user_a1, passport_number="ab 123 4567").data
        self.assertEqual([row["id"] for row in body["possible_duplicates"]], [holder.pk])
        body = self.check(self.user_a1, passport_number="CD7654321").data
        self.assertEqual(body, {"possible_duplicates": [], "known_at_branches": [self.branch_a2.name]})
        self.assertNotIn(str(elsewhere.pk), str(body))

    def test_branch_picks_the_organization(self):
        LeadFactory(branch=self.branch_b1, contact_number="+923001112223")
        body = self.check(self.staff, contact_number="03001112223", branch=self.branch_a1.pk).data
        self.assertEqual(body, {"possible_duplicates": [], "known_at_branches": []})
        self.assertEqual(len(self.check(self.staff, contact_number="03001112223").data["possible_duplicates"]), 1)

    def test_no_value_is_a_400(self):
        for params in ({}, {"contact_number": "", "cnic": ""}):
            with self.subTest(params=params):
                response = self.check(self.user_a1, **params)
                self.assertStatus(response, 400)
                self.assertIn("non_field_errors", response.data)

    def test_a_value_that_cannot_be_normalised_is_a_400_on_its_field(self):
        for field, value in (("contact_number", "12"), ("cnic", "123"), ("passport_number", "ab"), ("branch", "x")):
            with self.subTest(field=field):
                response = self.check(self.user_a1, **{field: value, "cnic": "35202-1234567-1"} if field != "cnic"
                                      else {field: value})
                self.assertStatus(response, 400)
                self.assertIn(field, response.data)

    def test_another_tenants_branch_is_a_400_on_branch(self):
        response = self.check(self.user_a1, contact_number="03001112223", branch=self.branch_b1.pk)
        self.assertStatus(response, 400)
        self.assertIn("branch", response.data)

    def test_another_tenants_leads_never_show(self):
        LeadFactory(branch=self.branch_b1, contact_number="+923001112223", cnic="35202-1234567-1",
                    passport_number="ZZ1234567")
        body = self.check(self.user_a1, contact_number="03001112223", cnic="35202-1234567-1",
                          passport_number="ZZ1234567").data
        self.assertEqual(body, {"possible_duplicates": [], "known_at_branches": []})

    def test_it_spends_the_search_budget(self):
        cache.clear()
        self.addCleanup(cache.clear)
        with rates(search="2/minute"):
            self.assertStatus(self.check(self.user_a1, contact_number="03001112223"), 200)
            self.login(self.user_a1)
            self.assertStatus(self.client.get(self.url("search"), {"contact": "03001112223"}), 200)
            self.assertStatus(self.check(self.user_a1, contact_number="03001112223"), 429)
