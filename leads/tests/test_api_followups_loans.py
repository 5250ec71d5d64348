"""Follow-ups and loan commitments through the API."""

import datetime
from decimal import Decimal

from django.utils import timezone

from booking.tests.factories import BookingFactory
from leads.models import FollowUpHistory, LeadStatus, LoanCommitment, LoanStatus
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory


class FollowUpTests(LeadsAPITestCase):
    def setUp(self):
        self.login(self.user_a1)

    def record(self, **overrides):
        body = {"lead": self.lead.pk, "remarks": "Called; interested in the December Umrah package."}
        body.update(overrides)
        return self.client.post(self.url("followup"), body)

    def test_records_and_moves_the_lead_forward(self):
        next_day = timezone.localdate() + datetime.timedelta(days=3)
        response = self.record(contact_method="whatsapp", next_followup_date=next_day.isoformat())
        self.assertStatus(response, 201)
        self.assertEqual((response.data["lead"], response.data["contact_method"]), (self.lead.pk, "whatsapp"))
        self.assertEqual(response.data["created_by"], self.user_a1.pk)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.CONTACTED)
        self.assertEqual(self.lead.next_followup_date, next_day)
        self.assertIsNotNone(self.lead.last_contacted_at)

    def test_without_a_next_date_the_lead_has_none(self):
        self.lead.next_followup_date = timezone.localdate()
        self.lead.lead_status = LeadStatus.INTERESTED
        self.lead.save()
        self.assertStatus(self.record(), 201)
        self.lead.refresh_from_db()
        self.assertIsNone(self.lead.next_followup_date)
        self.assertEqual(self.lead.lead_status, LeadStatus.INTERESTED)

    def test_bad_input_is_400_on_the_field(self):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        cases = {
            "lead": 999999,
            "remarks": "",
            "contact_method": "telegram",
            "followup_at": "not a time",
            "next_followup_date": yesterday.isoformat(),
        }
        for field, value in cases.items():
            with self.subTest(field=field):
                response = self.record(**{field: value})
                self.assertStatus(response, 400)
                self.assertEqual(list(response.data), [field])
        response = self.client.post(self.url("followup"), {})
        self.assertEqual(set(response.data), {"lead", "remarks"})

    def test_future_followup_time_is_400(self):
        response = self.record(followup_at=(timezone.now() + datetime.timedelta(hours=2)).isoformat())
        self.assertStatus(response, 400)
        self.assertIn("followup_at", response.data)

    def test_lead_of_another_branch_is_400_and_nothing_is_written(self):
        other = LeadFactory(branch=self.branch_a2)
        response = self.record(lead=other.pk)
        self.assertStatus(response, 400)
        self.assertIn("lead", response.data)
        self.assertFalse(FollowUpHistory.objects.exists())

    def test_history_list_is_newest_first_and_scoped(self):
        now = timezone.now()
        older = FollowUpHistoryFactory(lead=self.lead, followup_at=now - datetime.timedelta(days=2))
        newer = FollowUpHistoryFactory(lead=self.lead, followup_at=now - datetime.timedelta(days=1))
        FollowUpHistoryFactory(lead=LeadFactory(branch=self.branch_a1))
        response = self.client.get(self.url("lead-followups", self.lead.pk))
        self.assertStatus(response, 200)
        self.assertEqual([row["id"] for row in response.data["results"]], [newer.pk, older.pk])
        self.login(self.user_a2)
        self.assertStatus(self.client.get(self.url("lead-followups", self.lead.pk)), 404)


class LoanPromiseTests(LeadsAPITestCase):
    def setUp(self):
        self.login(self.user_a1)
        self.next_week = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()

    def promise(self, **body):
        return self.client.post(self.url("loan-promise"), body)

    def test_add_is_201_and_update_is_200(self):
        booking = BookingFactory(branch=self.branch_a1)
        added = self.promise(lead=self.lead.pk, amount="25000.50", promised_clear_date=self.next_week, booking=booking.pk)
        self.assertStatus(added, 201)
        self.assertEqual((added.data["status"], added.data["amount"], added.data["booking"]), ("pending", "25000.50", booking.pk))
        updated = self.promise(id=added.data["id"], amount="20000", remarks="Half now")
        self.assertStatus(updated, 200)
        commitment = LoanCommitment.objects.get()
        self.assertEqual((commitment.amount, commitment.remarks), (Decimal("20000"), "Half now"))

    def test_a_past_promised_date_is_overdue_at_once(self):
        past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        response = self.promise(lead=self.lead.pk, amount="100", promised_clear_date=past)
        self.assertStatus(response, 201)
        self.assertEqual(response.data["status"], "overdue")

    def test_add_needs_lead_amount_and_date(self):
        response = self.promise()
        self.assertStatus(response, 400)
        self.assertEqual(set(response.data), {"lead", "amount", "promised_clear_date"})

    def test_bad_values_are_400_on_the_field(self):
        base = {"lead": self.lead.pk, "amount": "100", "promised_clear_date": self.next_week}
        cases = {
            "amount": ["-5", "0", "abc", "NaN", "Infinity", "1e20", "10000000000.00", "0.001"],
            "promised_clear_date": ["2026-02-31", "tomorrow", 20260101],
            "lead": [999999, "x", 10**30, True],
            "booking": [999999, BookingFactory(branch=self.branch_b1).pk],
            "id": [0, -1, "x", 10**30],
        }
        for field, values in cases.items():
            for value in values:
                with self.subTest(field=field, value=value):
                    response = self.promise(**{**base, field: value})
                    self.assertStatus(response, 400)
                    self.assertEqual(list(response.data), [field])
        self.assertFalse(LoanCommitment.objects.exists())

    def test_lead_of_another_branch_is_400(self):
        response = self.promise(lead=LeadFactory(branch=self.branch_a2).pk, amount="100", promised_clear_date=self.next_week)
        self.assertStatus(response, 400)
        self.assertIn("lead", response.data)

    def test_update_of_another_branchs_or_unknown_commitment_is_404(self):
        foreign = LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_b1))
        for pk in (foreign.pk, 999999):
            with self.subTest(pk=pk):
                response = self.promise(id=pk, amount="1")
                self.assertStatus(response, 404)
        foreign.refresh_from_db()
        self.assertEqual(foreign.amount, Decimal("50000.00"))

    def test_update_cannot_move_to_another_lead(self):
        commitment = LoanCommitmentFactory(lead=self.lead)
        other = LeadFactory(branch=self.branch_a1)
        response = self.promise(id=commitment.pk, lead=other.pk)
        self.assertStatus(response, 400)
        self.assertIn("lead", response.data)
        self.assertStatus(self.promise(id=commitment.pk, lead=self.lead.pk, remarks="same lead"), 200)

    def test_updating_a_closed_commitment_is_409(self):
        commitment = LoanCommitmentFactory(lead=self.lead, status=LoanStatus.CLEARED)
        response = self.promise(id=commitment.pk, amount="10")
        self.assertStatus(response, 409)
        self.assertEqual(set(response.data), {"detail"})

    def test_clear_and_cancel(self):
        to_clear = LoanCommitmentFactory(lead=self.lead)
        to_cancel = LoanCommitmentFactory(lead=self.lead)
        cleared = self.client.put(self.url("loan-promise-clear", to_clear.pk))
        self.assertStatus(cleared, 200)
        self.assertEqual(cleared.data["status"], "cleared")
        self.assertIsNotNone(cleared.data["cleared_at"])
        self.assertStatus(self.client.put(self.url("loan-promise-clear", to_clear.pk)), 200)
        self.assertStatus(self.client.put(self.url("loan-promise-cancel", to_clear.pk)), 409)
        cancelled = self.client.put(self.url("loan-promise-cancel", to_cancel.pk))
        self.assertStatus(cancelled, 200)
        self.assertEqual(cancelled.data["status"], "cancelled")
        self.assertStatus(self.client.put(self.url("loan-promise-clear", to_cancel.pk)), 409)

    def test_clear_and_cancel_outside_scope_are_404(self):
        foreign = LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_a2))
        for name in ("loan-promise-clear", "loan-promise-cancel"):
            with self.subTest(name=name):
                self.assertStatus(self.client.put(self.url(name, foreign.pk)), 404)
        foreign.refresh_from_db()
        self.assertEqual(foreign.status, LoanStatus.PENDING)

    def test_lead_commitment_list_is_newest_first_and_scoped(self):
        first = LoanCommitmentFactory(lead=self.lead)
        second = LoanCommitmentFactory(lead=self.lead, status=LoanStatus.CANCELLED)
        LoanCommitmentFactory(lead=LeadFactory(branch=self.branch_a1))
        response = self.client.get(self.url("lead-loan-commitments", self.lead.pk))
        self.assertStatus(response, 200)
        self.assertEqual([row["id"] for row in response.data["results"]], [second.pk, first.pk])
        self.login(self.admin_b)
        self.assertStatus(self.client.get(self.url("lead-loan-commitments", self.lead.pk)), 404)
