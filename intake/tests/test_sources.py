"""Intake sources: who creates, sees and revokes them (API, admin, command); the key shown once; the snippet."""

import re
from io import StringIO

from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APITestCase

from intake.keys import split_key
from intake.models import IntakeSource
from intake.selectors import intake_source_for_key
from intake.snippet import KEY_PLACEHOLDER
from intake.tests.factories import IntakeSourceFactory
from leads.models import LeadSource
from organizations.tests.factories import BranchFactory, OrganizationFactory, UserFactory, branch_user, org_admin

LIST = "/api/leads/intake-sources/"


class SourceAPITestCase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alpha, cls.bravo = OrganizationFactory(), OrganizationFactory()
        cls.branch_a1 = BranchFactory(organization=cls.alpha)
        cls.branch_b1 = BranchFactory(organization=cls.bravo)
        cls.admin_a = org_admin(cls.alpha)
        cls.admin_b = org_admin(cls.bravo)
        cls.user_a1 = branch_user(cls.branch_a1)
        cls.staff = UserFactory(is_staff=True)
        cls.nobody = UserFactory()

    def setUp(self):
        cache.clear()

    def login(self, user):
        self.client.force_authenticate(user=type(user).objects.get(pk=user.pk) if user else None)

    def create(self, **body):
        return self.client.post(LIST, {"name": "Website form", "branch": self.branch_a1.pk, **body}, format="json")


class CreateTests(SourceAPITestCase):
    def test_an_org_admin_creates_a_source_and_sees_its_key_once(self):
        self.login(self.admin_a)
        response = self.create(allowed_origins=["https://WWW.Example.com/"], asks_consent=True)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        source = IntakeSource.objects.get(pk=body["id"])
        self.assertEqual(intake_source_for_key(body["key"]), source)
        self.assertEqual(body["allowed_origins"], ["https://www.example.com"])
        self.assertEqual((body["lead_source"], body["branch"], body["organization"]),
                         (LeadSource.WEB_FORM, self.branch_a1.pk, self.alpha.pk))
        self.assertIn(body["key"], body["form_snippet"])
        self.assertIn('action="http://testserver/api/leads/intake/"', body["form_snippet"])
        self.assertIn('name="messaging_consent"', body["form_snippet"])
        self.assertIn('name="website"', body["form_snippet"])
        # Never again: not in the list, not in the detail, not in the database.
        listed = self.client.get(LIST).json()["results"][0]
        detail = self.client.get(f"{LIST}{source.pk}/").json()
        for shown in (listed, detail):
            self.assertNotIn("key", shown)
            self.assertNotIn(body["key"], str(shown))
            self.assertIn(KEY_PLACEHOLDER, shown["form_snippet"])
        self.assertNotIn(split_key(body["key"])[1], str(IntakeSource.objects.filter(pk=source.pk).values().get()))

    def test_who_may_create(self):
        cases = [(None, 401), (self.nobody, 403), (self.user_a1, 403), (self.admin_b, 400), (self.staff, 201),
                 (self.admin_a, 201)]
        for user, expected in cases:
            with self.subTest(user=user and user.username):
                self.login(user)
                response = self.create()
                self.assertEqual(response.status_code, expected, response.content)
                if expected == 400:
                    self.assertIn("branch", response.json())

    def test_bad_fields_are_400_naming_them(self):
        self.login(self.admin_a)
        cases = {
            "allowed_origins": {"allowed_origins": ["https://example.com/path"]},
            "lead_source": {"lead_source": "pigeon"},
            "redirect_url": {"redirect_url": "javascript:alert(1)"},
            "name": {"name": "  "},
        }
        for field, body in cases.items():
            with self.subTest(field=field):
                response = self.create(**body)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(field, response.json())
        self.assertFalse(IntakeSource.objects.exists())


class ListRevokeTests(SourceAPITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source_a = IntakeSourceFactory(branch=cls.branch_a1)
        cls.source_b = IntakeSourceFactory(branch=cls.branch_b1)

    def test_org_admins_see_their_organizations_sources_staff_see_all(self):
        for user, expected in ((self.admin_a, {self.source_a.pk}), (self.admin_b, {self.source_b.pk}),
                               (self.staff, {self.source_a.pk, self.source_b.pk})):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual({row["id"] for row in self.client.get(LIST).json()["results"]}, expected)

    def test_another_organizations_source_does_not_exist_for_them(self):
        self.login(self.admin_b)
        self.assertEqual(self.client.get(f"{LIST}{self.source_a.pk}/").status_code, 404)
        self.assertEqual(self.client.post(f"{LIST}{self.source_a.pk}/revoke/").status_code, 404)
        self.source_a.refresh_from_db()
        self.assertIsNone(self.source_a.revoked_at)

    def test_branch_users_may_not_list(self):
        self.login(self.user_a1)
        self.assertEqual(self.client.get(LIST).status_code, 403)

    def test_revoke_closes_the_key_at_once_and_again_changes_nothing(self):
        self.login(self.admin_a)
        self.assertIsNotNone(intake_source_for_key(self.source_a.test_key))
        response = self.client.post(f"{LIST}{self.source_a.pk}/revoke/")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.json()["is_active"])
        revoked_at = response.json()["revoked_at"]
        self.assertIsNone(intake_source_for_key(self.source_a.test_key))
        self.assertEqual(self.client.post(f"{LIST}{self.source_a.pk}/revoke/").json()["revoked_at"], revoked_at)
        self.assertEqual(reverse("intake:source-revoke", args=[self.source_a.pk]), f"{LIST}{self.source_a.pk}/revoke/")


class CommandTests(SourceAPITestCase):
    def test_create_intake_source_prints_the_key_once(self):
        out = StringIO()
        call_command("create_intake_source", "--branch", str(self.branch_a1.pk), "--name", "Call centre script",
                     "--lead-source", "phone", stdout=out)
        lines = out.getvalue().strip().splitlines()
        key = lines[-1]
        source = intake_source_for_key(key)
        self.assertEqual((source.name, source.lead_source, source.branch), ("Call centre script", "phone", self.branch_a1))
        self.assertEqual(out.getvalue().count(key), 1)

    def test_a_missing_branch_or_a_bad_origin_is_an_error(self):
        with self.assertRaisesMessage(CommandError, "No branch"):
            call_command("create_intake_source", "--branch", "999999", "--name", "X", stdout=StringIO())
        with self.assertRaisesMessage(CommandError, "allowed_origins"):
            call_command("create_intake_source", "--branch", str(self.branch_a1.pk), "--name", "X",
                         "--allowed-origin", "not an origin", stdout=StringIO())
        self.assertFalse(IntakeSource.objects.exists())


class AdminTests(SourceAPITestCase):
    client_class = Client  # the admin's forms post form data

    def test_an_org_admin_creates_a_source_in_the_admin_and_sees_the_key_on_the_next_page_only(self):
        self.client.force_login(self.admin_a)
        response = self.client.post(reverse("admin:intake_intakesource_add"), {
            "branch": self.branch_a1.pk, "name": "Admin form", "lead_source": "web_form",
            "allowed_origins": "https://www.example.com", "redirect_url": "",
        })
        self.assertEqual(response.status_code, 200, response.content[:2000])
        source = IntakeSource.objects.get()
        key = re.search(rf"<code>(ik_{source.key_prefix}_[^<]+)</code>", response.content.decode()).group(1)
        self.assertEqual(intake_source_for_key(key), source)
        self.assertEqual(source.allowed_origins, ["https://www.example.com"])
        self.assertNotIn(f"ik_{source.key_prefix}_", self.client.get(
            reverse("admin:intake_intakesource_change", args=[source.pk])).content.decode())

    def test_another_organizations_branch_is_not_offered(self):
        self.client.force_login(self.admin_a)
        response = self.client.post(reverse("admin:intake_intakesource_add"), {
            "branch": self.branch_b1.pk, "name": "X", "lead_source": "web_form", "allowed_origins": "",
        })
        self.assertEqual(response.status_code, 200)
        self.assertFalse(IntakeSource.objects.exists())

    def test_the_revoke_action(self):
        source = IntakeSourceFactory(branch=self.branch_a1)
        self.client.force_login(self.admin_a)
        self.client.post(reverse("admin:intake_intakesource_changelist"),
                         {"action": "revoke", "_selected_action": [source.pk]})
        source.refresh_from_db()
        self.assertIsNotNone(source.revoked_at)
        self.assertEqual(source.revoked_by, self.admin_a)
