"""The lost-reason catalogue: seeded per organization, `lost/` takes a code, lists show and filter it."""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, TestCase, TransactionTestCase
from django.urls import reverse

from leads.models import SEEDED_LOST_REASONS, Lead, LeadStatus, LostReason
from leads.services import lead_mark_lost, lost_reason_save
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, OrganizationFactory

CATALOGUE_MIGRATION = ("leads", "0006_lost_reason_catalogue")
BEFORE_CATALOGUE = ("leads", "0005_loancommitment_fewer_indexes")


class CatalogueSeedingTests(TestCase):
    def test_a_new_organization_gets_the_seeded_codes(self):
        organization = OrganizationFactory()
        self.assertEqual(
            set(organization.lost_reasons.values_list("code", flat=True)),
            {"price", "dates", "visa", "other_agent", "no_response", "other"},
        )

    def test_codes_are_unique_per_organization_but_repeat_across_organizations(self):
        first, second = OrganizationFactory(), OrganizationFactory()
        self.assertEqual(LostReason.objects.filter(code="price").count(), 2)
        with self.assertRaises(ValidationError) as raised:
            lost_reason_save(reason=LostReason(organization=first, code="Price ", label="Again"))
        self.assertIn("code", raised.exception.message_dict)
        added = lost_reason_save(reason=LostReason(organization=second, code="hajj_quota", label="Hajj quota full"))
        self.assertEqual(added.code, "hajj_quota")

    def test_a_code_leads_were_lost_for_cannot_change(self):
        lead = LeadFactory()
        lead_mark_lost(lead=lead, lost_reason_code="visa")
        visa = LostReason.objects.get(organization=lead.organization, code="visa")
        visa.code = "visa_refused"
        with self.assertRaises(ValidationError):
            lost_reason_save(reason=visa)
        visa.code, visa.label = "visa", "Visa refused"
        lost_reason_save(reason=visa)
        self.assertEqual(LostReason.objects.get(pk=visa.pk).label, "Visa refused")


class MarkLostServiceTests(TestCase):
    def setUp(self):
        self.lead = LeadFactory()

    def test_a_code_without_text_is_enough(self):
        lead = lead_mark_lost(lead=self.lead, lost_reason_code="price")
        self.assertEqual((lead.lead_status, lead.lost_reason_code, lead.lost_reason), (LeadStatus.LOST, "price", ""))

    def test_other_is_the_default_and_needs_a_text(self):
        with self.assertRaises(ValidationError) as raised:
            lead_mark_lost(lead=self.lead)
        self.assertEqual(list(raised.exception.message_dict), ["lost_reason"])
        lead = lead_mark_lost(lead=self.lead, lost_reason="Went to Dubai instead")
        self.assertEqual(lead.lost_reason_code, "other")

    def test_a_code_of_another_organization_is_refused(self):
        other = OrganizationFactory()
        lost_reason_save(reason=LostReason(organization=other, code="hajj_quota", label="Hajj quota full"))
        with self.assertRaises(ValidationError) as raised:
            lead_mark_lost(lead=self.lead, lost_reason_code="hajj_quota")
        self.assertEqual(list(raised.exception.message_dict), ["lost_reason_code"])
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.NEW)


class LostReasonAPITests(LeadsAPITestCase):
    def test_catalogue_lists_only_the_callers_organizations(self):
        lost_reason_save(reason=LostReason(organization=self.bravo, code="bravo_only", label="Bravo only"))
        for user, organization in ((self.user_a1, self.alpha), (self.admin_a, self.alpha), (self.user_b1, self.bravo)):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(self.url("lost-reasons"))
                self.assertStatus(response, 200)
                self.assertEqual({row["organization"] for row in response.data}, {organization.pk})
                expected = set(LostReason.objects.filter(organization=organization).values_list("code", flat=True))
                self.assertEqual({row["code"] for row in response.data}, expected)
                self.assertEqual(set(response.data[0]), {"id", "code", "label", "organization"})
        self.login(self.nobody)
        self.assertStatus(self.client.get(self.url("lost-reasons")), 403)
        self.login(None)
        self.assertStatus(self.client.get(self.url("lost-reasons")), 401)

    def test_lost_takes_a_code_and_old_clients_sending_only_text_keep_working(self):
        self.login(self.user_a1)
        old_client = LeadFactory(branch=self.branch_a1)
        response = self.client.put(self.url("lost", old_client.pk), {"lost_reason": "Too expensive"}, format="json")
        self.assertStatus(response, 200)
        self.assertEqual((response.data["lost_reason_code"], response.data["lost_reason"]), ("other", "Too expensive"))
        response = self.client.put(self.url("lost", self.lead.pk), {"lost_reason_code": "other_agent"}, format="json")
        self.assertStatus(response, 200)
        self.assertEqual(response.data["lost_reason_code"], "other_agent")

    def test_lost_with_an_unknown_code_or_other_without_text_is_400_naming_the_field(self):
        self.login(self.user_a1)
        for body, field in (
            ({"lost_reason_code": "nope"}, "lost_reason_code"),
            ({"lost_reason_code": "other"}, "lost_reason"),
            ({"lost_reason_code": "other", "lost_reason": "  "}, "lost_reason"),
            ({"lost_reason_code": 5}, "lost_reason_code"),
        ):
            with self.subTest(body=body):
                response = self.client.put(self.url("lost", self.lead.pk), body, format="json")
                self.assertStatus(response, 400)
                self.assertEqual(list(response.data), [field])

    def test_list_shows_and_filters_the_code(self):
        price = LeadFactory(branch=self.branch_a1)
        lead_mark_lost(lead=price, lost_reason_code="price")
        legacy = LeadFactory(branch=self.branch_a1, lead_status=LeadStatus.LOST, lost_reason="Before the catalogue")
        self.login(self.user_a1)
        rows = {row["id"]: row for row in self.client.get(self.url("list")).data["results"]}
        self.assertEqual(rows[price.pk]["lost_reason_code"], "price")
        self.assertEqual(rows[legacy.pk]["lost_reason_code"], "other")
        self.assertIsNone(rows[self.lead.pk]["lost_reason_code"])
        for code, expected in (("price", {price.pk}), ("other", {legacy.pk}), ("visa", set())):
            with self.subTest(code=code):
                response = self.client.get(self.url("list"), {"lost_reason_code": code})
                self.assertEqual({row["id"] for row in response.data["results"]}, expected)


class LostReasonAdminTests(LeadsAPITestCase):
    client_class = Client  # the admin takes form posts
    def test_org_admin_adds_a_reason_to_their_organization_only(self):
        self.client.force_login(self.admin_a)
        add = reverse("admin:leads_lostreason_add")
        response = self.client.post(add, {"organization": self.alpha.pk, "code": "hajj_quota", "label": "Hajj quota"})
        self.assertEqual(response.status_code, 302, response.context and response.context["adminform"].form.errors)
        self.assertTrue(LostReason.objects.filter(organization=self.alpha, code="hajj_quota").exists())
        response = self.client.post(add, {"organization": self.alpha.pk, "code": "price", "label": "Again"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["adminform"].form.errors)
        self.assertEqual(LostReason.objects.filter(organization=self.alpha, code="price").count(), 1)
        response = self.client.post(add, {"organization": self.bravo.pk, "code": "sneaky", "label": "Sneaky"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(LostReason.objects.filter(code="sneaky").exists())

    def test_branch_user_sees_their_catalogue_but_cannot_add(self):
        self.client.force_login(self.user_a1)
        changelist = self.client.get(reverse("admin:leads_lostreason_changelist"))
        self.assertEqual(changelist.status_code, 200)
        self.assertEqual(
            {reason.organization_id for reason in changelist.context["cl"].queryset}, {self.alpha.pk}
        )
        self.assertEqual(self.client.get(reverse("admin:leads_lostreason_add")).status_code, 403)


class CatalogueMigrationTests(TransactionTestCase):
    """Existing organizations get the seeded codes and leads already lost count as `other`."""

    def test_migration_seeds_existing_organizations_and_classifies_lost_leads_as_other(self):
        executor = MigrationExecutor(connection)
        executor.migrate([BEFORE_CATALOGUE])
        old_apps = executor.loader.project_state([BEFORE_CATALOGUE]).apps
        Organization = old_apps.get_model("organizations", "Organization")
        Branch = old_apps.get_model("organizations", "Branch")
        OldLead = old_apps.get_model("leads", "Lead")
        organization = Organization.objects.create(name="Before the catalogue")
        branch = Branch.objects.create(organization=organization, name="Old", code="OLD")
        common = {"branch": branch, "organization": organization, "contact_number": "+923001234567"}
        lost = OldLead.objects.create(customer_name="Lost", lead_status="lost", lost_reason="Too dear", **common)
        open_lead = OldLead.objects.create(customer_name="Open", lead_status="new", passport_number="", **common)

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

        self.assertEqual(
            set(LostReason.objects.filter(organization_id=organization.pk).values_list("code", flat=True)),
            set(SEEDED_LOST_REASONS),
        )
        self.assertEqual(Lead.objects.get(pk=lost.pk).lost_reason_category.code, "other")
        self.assertIsNone(Lead.objects.get(pk=open_lead.pk).lost_reason_category)
