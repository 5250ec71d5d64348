from django.test import TestCase
from django.urls import reverse

from leads.models import FollowUpHistory, LeadStatus
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory


def inline_management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


class LeadAdminTests(TestCase):
    def setUp(self):
        self.admin_user = UserFactory(is_staff=True, is_superuser=True)
        self.client.force_login(self.admin_user)
        self.lead = LeadFactory(branch=BranchFactory())

    def change_payload(self, **overrides):
        lead = self.lead
        data = {
            "customer_name": lead.customer_name, "passport_number": lead.passport_number,
            "contact_number": lead.contact_number, "cnic": lead.cnic, "address": "", "area": lead.area,
            "branch": lead.branch_id, "lead_source": lead.lead_source, "lead_status": lead.lead_status,
            "next_followup_date": "", "lost_reason": "", "assigned_to": "", "remarks": "",
            **inline_management("followups"), **inline_management("loan_commitments"),
        }
        data.update(overrides)
        return data

    def test_follow_up_added_inline_moves_the_lead_like_the_service(self):
        url = reverse("admin:leads_lead_change", args=[self.lead.pk])
        payload = self.change_payload(**inline_management("followups", total=1), **{
            "followups-0-followup_at_0": "2026-11-20", "followups-0-followup_at_1": "10:00:00",
            "followups-0-contact_method": "call", "followups-0-remarks": "Called from the admin.",
            "followups-0-next_followup_date": "2026-12-01",
        })
        response = self.client.post(url, payload)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context["errors"])
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.CONTACTED)
        self.assertEqual(str(self.lead.next_followup_date), "2026-12-01")
        self.assertEqual(FollowUpHistory.objects.get(lead=self.lead).created_by, self.admin_user)

    def test_admin_form_refuses_to_set_a_final_status(self):
        url = reverse("admin:leads_lead_change", args=[self.lead.pk])
        response = self.client.post(url, self.change_payload(lead_status="converted"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("lead_status", response.context["adminform"].form.errors)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.NEW)

    def test_convert_action_uses_the_service(self):
        lost = LeadFactory(branch=self.lead.branch, lead_status=LeadStatus.LOST, lost_reason="Went elsewhere")
        response = self.client.post(reverse("admin:leads_lead_changelist"), {
            "action": "mark_converted", "_selected_action": [self.lead.pk, lost.pk],
        })
        self.assertEqual(response.status_code, 302)
        self.lead.refresh_from_db()
        lost.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.CONVERTED)
        self.assertIsNotNone(self.lead.converted_at)
        self.assertEqual(lost.lead_status, LeadStatus.LOST)
