"""The lead rules hold at the import's door too: the import's row writer and start call the same rule
functions as the API (a final status, the actor's scope), service-level (leads/tests/test_rules_once.py
holds the rules themselves)."""

from django.core.exceptions import ValidationError

from common.errors import StateConflict
from leads import services
from leads.models import Lead, LeadStatus
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory
from transfers.models import LeadImport
from transfers.rows import leads_import_rows
from transfers.services import lead_import_start
from transfers.vocabulary import RowAction

CSV = b"customer_name,contact_number\r\nZainab Akhtar,03001234567\r\n"


class ImportFinalStatusRuleTests(LeadsAPITestCase):
    """A converted or lost lead's status is final, through the import as through the API."""

    def test_update_and_import_give_the_same_answer_for_a_converted_lead(self):
        converted = LeadFactory(branch=self.branch_a1, lead_status=LeadStatus.CONVERTED, contact_number="+923001234567")
        with self.assertRaises(StateConflict) as by_update:
            services.lead_update(lead=converted, actor=self.user_a1, lead_status=LeadStatus.CONTACTED)
        row = {"contact_number": "03001234567", "lead_status": "contacted"}
        [outcome] = leads_import_rows(branch=self.branch_a1, mode="update", rows=[(2, row)], actor=self.user_a1)
        self.assertEqual(outcome.action, RowAction.FAILED)
        self.assertEqual(outcome.errors, [("lead_status", str(by_update.exception.detail))])
        converted.refresh_from_db()
        self.assertEqual(converted.lead_status, LeadStatus.CONVERTED)

    def test_create_and_import_refuse_a_new_lead_that_starts_converted(self):
        with self.assertRaises(ValidationError) as by_create:
            services.lead_create(branch=self.branch_a1, customer_name="Asma", contact_number="03001112223",
                                 lead_status=LeadStatus.CONVERTED, actor=self.user_a1)
        row = {"customer_name": "Asma", "contact_number": "03001112223", "lead_status": "converted"}
        [outcome] = leads_import_rows(branch=self.branch_a1, mode="create", rows=[(2, row)], actor=self.user_a1)
        self.assertEqual(outcome.errors, [("lead_status", by_create.exception.message_dict["lead_status"][0])])


class ImportScopeRuleTests(LeadsAPITestCase):
    def start(self, actor, branch):
        with self.captureOnCommitCallbacks(execute=False):
            return lead_import_start(
                actor=actor, branch=branch, mode="create", dry_run=True, file_name="leads.csv", content=CSV
            )

    def test_a_branch_user_cannot_start_an_import_into_another_branch_by_calling_the_service(self):
        for branch in (self.branch_a2, self.branch_b1):
            with self.subTest(branch=branch.code):
                with self.assertRaises(ValidationError) as caught:
                    self.start(self.user_a1, branch)
                self.assertEqual(list(caught.exception.message_dict), ["branch"])
        self.assertFalse(LeadImport.objects.exists())

    def test_own_branch_org_admins_sister_branch_and_the_system_job_may_start_one(self):
        for actor, branch in ((self.user_a1, self.branch_a1), (self.admin_a, self.branch_a2), (None, self.branch_b1)):
            with self.subTest(actor=getattr(actor, "username", None)):
                self.assertEqual(self.start(actor, branch).branch, branch)

    def test_the_row_writer_judges_the_branch_through_the_actor(self):
        row = {"customer_name": "Zainab Akhtar", "contact_number": "03001234567"}
        [outcome] = leads_import_rows(branch=self.branch_a2, mode="create", rows=[(2, row)], actor=self.user_a1)
        self.assertEqual(outcome.action, RowAction.FAILED)
        self.assertEqual([name for name, _message in outcome.errors], ["branch"])
        self.assertFalse(Lead.objects.filter(branch=self.branch_a2).exists())
        [outcome] = leads_import_rows(branch=self.branch_a1, mode="create", rows=[(2, row)], actor=self.user_a1)
        self.assertEqual(outcome.action, RowAction.CREATED)
