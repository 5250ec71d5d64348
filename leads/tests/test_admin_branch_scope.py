"""The admin for branch members: only their branch's rows, everywhere the admin shows rows."""

from django.test import TestCase
from django.urls import reverse

from leads import services
from leads.models import LeadStatus
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import BranchFactory, branch_user, org_admin


class BranchMemberAdminScopeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.branch = BranchFactory()
        cls.sister = BranchFactory(organization=cls.branch.organization)
        cls.foreign = BranchFactory()
        cls.member = branch_user(cls.branch)
        cls.own = LeadFactory(branch=cls.branch, passport_number="OWN000001")
        cls.sister_lead = LeadFactory(branch=cls.sister, passport_number="SIS000001")
        cls.foreign_lead = LeadFactory(branch=cls.foreign, passport_number="FOR000001")
        for lead in (cls.own, cls.sister_lead, cls.foreign_lead):
            FollowUpHistoryFactory(lead=lead, remarks=f"remark-{lead.passport_number}")
            LoanCommitmentFactory(lead=lead, remarks=f"promise-{lead.passport_number}")

    def setUp(self):
        self.client.force_login(self.member)

    def assert_only_own(self, url, marker_prefix):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"{marker_prefix}OWN000001")
        for other in ("SIS000001", "FOR000001"):
            self.assertNotContains(response, f"{marker_prefix}{other}")
        return response

    def test_lead_changelist_shows_only_own_branch(self):
        self.assert_only_own(reverse("admin:leads_lead_changelist"), "")

    def test_searching_another_branch_passport_finds_nothing(self):
        response = self.client.get(reverse("admin:leads_lead_changelist"), {"q": "FOR000001"})
        self.assertEqual(response.context["cl"].result_count, 0)

    def test_followup_and_commitment_changelists_show_only_own_branch(self):
        for name in ("admin:leads_followuphistory_changelist", "admin:leads_loancommitment_changelist"):
            with self.subTest(name=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 200)
                shown = {obj.lead_id for obj in response.context["cl"].result_list}
                self.assertEqual(shown, {self.own.pk})

    def test_other_branch_objects_cannot_be_opened(self):
        followup = self.foreign_lead.followups.get()
        commitment = self.foreign_lead.loan_commitments.get()
        for url in (
            reverse("admin:leads_lead_change", args=[self.foreign_lead.pk]),
            reverse("admin:leads_lead_change", args=[self.sister_lead.pk]),
            reverse("admin:leads_followuphistory_change", args=[followup.pk]),
            reverse("admin:leads_loancommitment_change", args=[commitment.pk]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                # The admin answers a missing object with a redirect to its index and a message.
                self.assertEqual(response.status_code, 302)

    def test_other_branch_history_is_not_shown(self):
        record = self.foreign_lead.history.latest()
        for url in (
            reverse("admin:leads_lead_history", args=[self.foreign_lead.pk]),
            reverse("admin:leads_lead_simple_history", args=[self.foreign_lead.pk, record.history_id]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(b"FOR000001", response.content)

    def test_own_history_is_shown_read_only(self):
        services.lead_update(lead=self.own, actor=self.member, remarks="first note")
        response = self.client.get(reverse("admin:leads_lead_history", args=[self.own.pk]))
        self.assertContains(response, self.member.username)
        record = self.own.history.earliest()
        url = reverse("admin:leads_lead_simple_history", args=[self.own.pk, record.history_id])
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_history_revert_cannot_bypass_the_services(self):
        services.lead_convert(lead=self.own, actor=self.member)
        before = self.own.history.order_by("history_id").first()  # still `new`
        url = reverse("admin:leads_lead_simple_history", args=[self.own.pk, before.history_id])
        payload = {
            "customer_name": self.own.customer_name, "contact_number": self.own.contact_number,
            "branch": self.foreign.pk, "lead_source": self.own.lead_source, "lead_status": LeadStatus.NEW,
        }
        response = self.client.post(url, payload)
        self.assertEqual(response.status_code, 403)
        self.own.refresh_from_db()
        self.assertEqual((self.own.lead_status, self.own.branch_id), (LeadStatus.CONVERTED, self.branch.pk))

    def test_branch_choices_on_the_add_form_are_own_branches(self):
        response = self.client.get(reverse("admin:leads_lead_add"))
        choices = {value for value, _ in response.context["adminform"].form.fields["branch"].choices if value}
        self.assertEqual({int(str(v)) for v in choices}, {self.branch.pk})

    def test_org_admin_sees_all_branches_of_their_organization_only(self):
        self.client.force_login(org_admin(self.branch.organization))
        response = self.client.get(reverse("admin:leads_lead_changelist"))
        shown = {lead.pk for lead in response.context["cl"].result_list}
        self.assertEqual(shown, {self.own.pk, self.sister_lead.pk})

    def test_changelist_filters_do_not_name_other_tenants_branches(self):
        for name in ("admin:leads_lead_changelist", "admin:booking_booking_changelist"):
            with self.subTest(name=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, self.foreign.name)
                self.assertNotContains(response, self.foreign.organization.name)
