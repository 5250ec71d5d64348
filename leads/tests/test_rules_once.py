"""Rules written once and called from every door: each is held here at the service (or rule function),
whichever door (API, admin, import, command) calls it; a door's own copy is gone.

Also the rules only one door used to know: `lead_merge` and `lead_import_start` judge the actor's scope
themselves, so a branch user calling them directly with another branch's leads or branch is refused.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from common.errors import OutOfScope, StateConflict
from leads import services
from leads.loan_book import MixedCurrencies, loan_aging
from leads.models import Lead, LeadStatus
from leads.services.leads import lead_check_status_change
from leads.services.merge import lead_merge
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory

LOST_WORDS = "A lead lost for another reason needs it in words."


class FinalStatusRuleTests(LeadsAPITestCase):
    """A converted or lost lead's status is final; converted and lost have their own services."""

    def test_the_rule_refuses_a_change_of_a_final_status_and_a_final_status_set_directly(self):
        for status in (LeadStatus.CONVERTED, LeadStatus.LOST):
            with self.subTest(status=status):
                final = LeadFactory.build(lead_status=status)
                with self.assertRaisesMessage(StateConflict, f"A {status} lead's status is final."):
                    lead_check_status_change(LeadStatus.CONTACTED, lead=final)
                lead_check_status_change(status, lead=final)  # keeping it is no change
                with self.assertRaises(ValidationError) as caught:
                    lead_check_status_change(status)  # a new lead
                self.assertIn("lead_status", caught.exception.message_dict)



class LostReasonInWordsTests(LeadsAPITestCase):
    """A lead lost for `other` says why in words: one message whether it is being marked lost or edited."""

    def test_marking_lost_for_other_without_words_and_blanking_a_lost_leads_words_say_the_same(self):
        with self.assertRaises(ValidationError) as marking:
            services.lead_mark_lost(lead=self.lead, lost_reason=" ", actor=self.user_a1)
        lost = services.lead_mark_lost(lead=self.lead, lost_reason="Went elsewhere", actor=self.user_a1)
        with self.assertRaises(ValidationError) as editing:
            services.lead_update(lead=lost, actor=self.user_a1, lost_reason=" ")
        self.assertEqual(marking.exception.message_dict, {"lost_reason": [LOST_WORDS]})
        self.assertEqual(editing.exception.message_dict, {"lost_reason": [LOST_WORDS]})


class MergeRuleTests(LeadsAPITestCase):
    def test_a_lead_cannot_be_merged_into_itself_at_the_service(self):
        with self.assertRaises(ValidationError) as caught:
            lead_merge(into=self.lead, merge=[self.lead], actor=self.user_a1)
        self.assertEqual(caught.exception.message_dict, {"merge": ["A lead cannot be merged into itself."]})

    def test_the_api_answers_the_services_refusal_as_a_400_on_merge(self):
        self.login(self.user_a1)
        response = self.client.post(self.url("merge"), {"into": self.lead.pk, "merge": [self.lead.pk]}, format="json")
        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"merge": ["A lead cannot be merged into itself."]})

    def test_a_branch_user_cannot_merge_another_branchs_leads_by_calling_the_service(self):
        mine = LeadFactory(branch=self.branch_a1)
        theirs = LeadFactory(branch=self.branch_a2)
        FollowUpHistoryFactory(lead=theirs)
        for into, merge in ((mine, [theirs]), (theirs, [mine])):
            with self.subTest(into=into.branch.code):
                with self.assertRaises(OutOfScope):
                    lead_merge(into=into, merge=merge, actor=self.user_a1)
        self.assertTrue(Lead.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2)
        self.assertEqual(theirs.followups.count(), 1)

    def test_within_scope_and_as_the_system_job_the_merge_goes_through(self):
        mine, twin = LeadFactory(branch=self.branch_a1), LeadFactory(branch=self.branch_a1, passport_number="")
        commitment = LoanCommitmentFactory(lead=twin)
        self.assertEqual(lead_merge(into=mine, merge=[twin], actor=self.user_a1).pk, mine.pk)
        commitment.refresh_from_db()
        self.assertEqual(commitment.lead_id, mine.pk)
        other = LeadFactory(branch=self.branch_a2, passport_number="")
        lead_merge(into=mine, merge=[other], actor=None)  # the system job reaches every branch
        self.assertFalse(Lead.objects.filter(pk=other.pk).exists())


class MixedCurrencyRuleTests(TestCase):
    def test_the_aging_of_branches_in_two_currencies_is_refused_on_branch_id_with_one_message(self):
        from organizations.tests.factories import BranchFactory, OrganizationFactory, UserFactory

        staff = UserFactory(is_staff=True)
        for currency in ("PKR", "AED"):
            lead = LeadFactory(branch=BranchFactory(organization=OrganizationFactory(currency=currency)))
            LoanCommitmentFactory(lead=lead, promised_clear_date=timezone.localdate() - timedelta(days=5))
        with self.assertRaises(MixedCurrencies) as caught:
            loan_aging(user=staff, as_of=timezone.localdate())
        self.assertEqual(
            caught.exception.message_dict,
            {"branch_id": ["Your branches keep different currencies (AED, PKR); pick a branch."]},
        )


class AmountRuleTests(LeadsAPITestCase):
    def test_every_money_service_refuses_a_zero_amount_with_the_same_message(self):
        commitment = LoanCommitmentFactory(lead=self.lead, amount=Decimal("100"))
        calls = {
            "promise": lambda: services.loan_commitment_create(
                lead=self.lead, amount=Decimal("0"), promised_clear_date=timezone.localdate(), actor=self.user_a1
            ),
            "change": lambda: services.loan_commitment_update(
                commitment=commitment, amount=Decimal("0"), actor=self.user_a1
            ),
            "reschedule": lambda: services.loan_commitment_reschedule(
                commitment=commitment, amount=Decimal("-1"), promised_clear_date=timezone.localdate(), actor=self.user_a1
            ),
            "payment": lambda: services.loan_payment_record(commitment=commitment, amount=Decimal("0"), actor=self.user_a1),
        }
        for name, call in calls.items():
            with self.subTest(name):
                with self.assertRaises(ValidationError) as caught:
                    call()
                self.assertEqual(caught.exception.message_dict, {"amount": ["Ensure this value is greater than 0."]})
