"""The loan book's rules, through its services and selectors: payments, reschedules, money on leads, aging."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from booking.tests.factories import BookingFactory
from common.errors import StateConflict
from leads.loan_book import leads_with_money, leads_with_overdue_promise, leads_with_promise_record, loan_aging
from leads.models import Lead, LoanCommitment, LoanPayment, LoanStatus
from leads.selectors import overdue_loan_commitments
from leads.services import (
    loan_commitment_cancel,
    loan_commitment_clear,
    loan_commitment_create,
    loan_commitment_reschedule,
    loan_commitment_update,
    loan_commitments_mark_overdue,
    loan_payment_record,
)
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user

D = Decimal


def days(n: int):
    return timezone.localdate() + timedelta(days=n)


class LoanPaymentServiceTests(TestCase):
    def setUp(self):
        self.lead = LeadFactory()
        self.user = branch_user(self.lead.branch)
        self.commitment = loan_commitment_create(lead=self.lead, amount=D("100000.00"), promised_clear_date=days(7))

    def pay(self, amount, **kwargs):
        kwargs.setdefault("actor", self.user)
        return loan_payment_record(commitment=self.commitment, amount=D(amount), **kwargs)

    def test_partial_payment_lowers_the_balance_and_keeps_the_commitment_open(self):
        payment = self.pay("40000.00")
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.paid_amount, D("40000.00"))
        self.assertEqual(self.commitment.balance, D("60000.00"))
        self.assertEqual(self.commitment.status, LoanStatus.PENDING)
        self.assertEqual(payment.created_by, self.user)
        self.assertLessEqual(payment.paid_at, timezone.now())

    def test_payment_reaching_the_amount_clears_the_commitment_with_the_payment_time(self):
        self.pay("40000.00")
        paid_at = timezone.now() - timedelta(hours=3)
        self.pay("60000.00", paid_at=paid_at)
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.status, LoanStatus.CLEARED)
        self.assertEqual(self.commitment.cleared_at, paid_at)
        self.assertEqual(self.commitment.balance, D("0"))

    def test_payment_above_the_balance_is_a_400_on_amount_and_writes_nothing(self):
        self.pay("70000.00")
        with self.assertRaises(ValidationError) as caught:
            self.pay("30000.01")
        self.assertIn("amount", caught.exception.message_dict)
        self.assertEqual(LoanPayment.objects.count(), 1)
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.paid_amount, D("70000.00"))

    def test_zero_or_negative_amount_is_a_400_on_amount(self):
        for amount in ("0", "-5"):
            with self.subTest(amount=amount), self.assertRaises(ValidationError) as caught:
                self.pay(amount)
            self.assertIn("amount", caught.exception.message_dict)

    def test_payment_dated_in_the_future_is_a_400_on_paid_at(self):
        with self.assertRaises(ValidationError) as caught:
            self.pay("10.00", paid_at=timezone.now() + timedelta(minutes=5))
        self.assertIn("paid_at", caught.exception.message_dict)

    def test_unknown_method_is_a_400_on_method(self):
        with self.assertRaises(ValidationError) as caught:
            self.pay("10.00", method="bitcoin")
        self.assertIn("method", caught.exception.message_dict)

    def test_closed_commitments_take_no_payment(self):
        for close in ("cleared", "cancelled", "rescheduled"):
            with self.subTest(close=close):
                commitment = loan_commitment_create(lead=self.lead, amount=D("500.00"), promised_clear_date=days(1))
                if close == "cleared":
                    loan_commitment_clear(commitment=commitment)
                elif close == "cancelled":
                    loan_commitment_cancel(commitment=commitment)
                else:
                    loan_commitment_reschedule(commitment=commitment, promised_clear_date=days(9))
                with self.assertRaises(StateConflict):
                    loan_payment_record(commitment=commitment, amount=D("1.00"))

    def test_overdue_commitment_takes_payments(self):
        commitment = loan_commitment_create(lead=self.lead, amount=D("500.00"), promised_clear_date=days(-3))
        self.assertEqual(commitment.status, LoanStatus.OVERDUE)
        loan_payment_record(commitment=commitment, amount=D("500.00"))
        commitment.refresh_from_db()
        self.assertEqual(commitment.status, LoanStatus.CLEARED)

    def test_payment_raises_the_named_bookings_paid_amount(self):
        booking = BookingFactory(branch=self.lead.branch, total_amount=D("300000.00"), paid_amount=D("100000.00"))
        commitment = loan_commitment_create(
            lead=self.lead, amount=D("150000.00"), promised_clear_date=days(5), booking=booking
        )
        loan_payment_record(commitment=commitment, amount=D("50000.00"))
        booking.refresh_from_db()
        self.assertEqual(booking.paid_amount, D("150000.00"))

    def test_payment_that_would_overpay_the_booking_is_a_400_on_amount_and_writes_nothing(self):
        booking = BookingFactory(branch=self.lead.branch, total_amount=D("300000.00"), paid_amount=D("290000.00"))
        commitment = loan_commitment_create(
            lead=self.lead, amount=D("50000.00"), promised_clear_date=days(5), booking=booking
        )
        with self.assertRaises(ValidationError) as caught:
            loan_payment_record(commitment=commitment, amount=D("20000.00"))
        self.assertIn("amount", caught.exception.message_dict)
        booking.refresh_from_db()
        commitment.refresh_from_db()
        self.assertEqual((booking.paid_amount, commitment.paid_amount), (D("290000.00"), D("0")))

    def test_amount_cannot_be_changed_below_what_is_paid(self):
        self.pay("40000.00")
        with self.assertRaises(ValidationError) as caught:
            loan_commitment_update(commitment=self.commitment, amount=D("30000.00"))
        self.assertIn("amount", caught.exception.message_dict)

    def test_payment_by_a_user_outside_the_commitments_scope_is_a_404(self):
        from common.errors import OutOfScope

        with self.assertRaises(OutOfScope):
            self.pay("1.00", actor=branch_user(BranchFactory()))
        self.assertFalse(LoanPayment.objects.exists())

    def test_database_refuses_an_overpaid_commitment(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            LoanCommitment.objects.filter(pk=self.commitment.pk).update(paid_amount=D("100000.01"))

    def test_payment_is_in_the_leads_history_with_the_acting_user(self):
        from leads.audit import history_changes, lead_history_entries

        self.pay("1000.00")
        entries = history_changes(list(lead_history_entries(lead=self.lead)))
        payment_entries = [entry for entry in entries if entry.model == "loan_payment"]
        self.assertEqual(len(payment_entries), 1)
        self.assertEqual(payment_entries[0].history_user, self.user)
        commitment_change = [e for e in entries if e.model == "loan_commitment" and e.history_type == "changed"][0]
        self.assertEqual(commitment_change.history_user, self.user)
        self.assertEqual(commitment_change.history_change_reason, "payment")
        self.assertIn({"field": "paid_amount", "old": "0.00", "new": "1000.00"}, commitment_change.changes)


class LoanRescheduleServiceTests(TestCase):
    def setUp(self):
        self.lead = LeadFactory()
        self.user = branch_user(self.lead.branch)
        self.commitment = loan_commitment_create(lead=self.lead, amount=D("100000.00"), promised_clear_date=days(-10))
        loan_payment_record(commitment=self.commitment, amount=D("30000.00"))

    def test_reschedule_closes_the_old_and_opens_a_pending_promise_for_the_balance(self):
        new = loan_commitment_reschedule(commitment=self.commitment, promised_clear_date=days(14), actor=self.user)
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.status, LoanStatus.RESCHEDULED)
        self.assertEqual(new.status, LoanStatus.PENDING)
        self.assertEqual(new.amount, D("70000.00"))
        self.assertEqual(new.paid_amount, D("0"))
        self.assertEqual(new.rescheduled_from, self.commitment)
        self.assertEqual((new.lead, new.promised_clear_date, new.created_by), (self.lead, days(14), self.user))

    def test_reschedule_for_a_given_amount(self):
        new = loan_commitment_reschedule(commitment=self.commitment, promised_clear_date=days(3), amount=D("50000.00"))
        self.assertEqual(new.amount, D("50000.00"))

    def test_a_chain_of_reschedules_points_back(self):
        second = loan_commitment_reschedule(commitment=self.commitment, promised_clear_date=days(0))
        third = loan_commitment_reschedule(commitment=second, promised_clear_date=days(30))
        self.assertEqual(third.rescheduled_from.rescheduled_from, self.commitment)

    def test_closed_commitment_cannot_be_rescheduled(self):
        loan_commitment_reschedule(commitment=self.commitment, promised_clear_date=days(3))
        with self.assertRaises(StateConflict):
            loan_commitment_reschedule(commitment=self.commitment, promised_clear_date=days(3))

    def test_new_date_in_the_past_is_a_400_on_promised_clear_date(self):
        with self.assertRaises(ValidationError) as caught:
            loan_commitment_reschedule(commitment=self.commitment, promised_clear_date=days(-1))
        self.assertIn("promised_clear_date", caught.exception.message_dict)

    def test_rescheduled_commitment_is_neither_overdue_nor_marked_by_the_nightly_job(self):
        loan_commitment_reschedule(commitment=self.commitment, promised_clear_date=days(3))
        self.assertFalse(overdue_loan_commitments(as_of=timezone.localdate(), user=self.user).exists())
        self.assertEqual(loan_commitments_mark_overdue(as_of=timezone.localdate()), 0)

    def test_reschedule_is_in_the_leads_history_with_the_acting_user(self):
        from leads.audit import history_changes, lead_history_entries

        new = loan_commitment_reschedule(commitment=self.commitment, promised_clear_date=days(3), actor=self.user)
        entries = [e for e in history_changes(list(lead_history_entries(lead=self.lead))) if e.history_change_reason == "reschedule"]
        self.assertEqual({(e.object_id, e.history_type) for e in entries}, {(self.commitment.pk, "changed"), (new.pk, "created")})
        self.assertTrue(all(e.history_user == self.user for e in entries))


class LeadMoneyTests(TestCase):
    def setUp(self):
        self.lead = LeadFactory()
        self.other = LeadFactory(branch=self.lead.branch)
        late = loan_commitment_create(lead=self.lead, amount=D("1000.00"), promised_clear_date=days(-5))
        loan_payment_record(commitment=late, amount=D("250.00"))
        loan_commitment_create(lead=self.lead, amount=D("500.00"), promised_clear_date=days(4))
        cancelled = loan_commitment_create(lead=self.lead, amount=D("9999.00"), promised_clear_date=days(-9))
        loan_commitment_cancel(commitment=cancelled)
        kept = loan_commitment_create(lead=self.lead, amount=D("10.00"), promised_clear_date=days(2))
        loan_payment_record(commitment=kept, amount=D("10.00"))
        rescheduled = loan_commitment_create(lead=self.lead, amount=D("300.00"), promised_clear_date=days(-2))
        loan_commitment_reschedule(commitment=rescheduled, promised_clear_date=days(1))

    def annotated(self):
        today = timezone.localdate()
        return leads_with_promise_record(leads_with_money(Lead.objects.all(), as_of=today), as_of=today)

    def test_outstanding_overdue_and_next_promise(self):
        lead = self.annotated().get(pk=self.lead.pk)
        self.assertEqual(lead.outstanding_amount, D("1550.00"))  # 750 + 500 + 300 (the reschedule)
        self.assertEqual(lead.overdue_amount, D("750.00"))
        self.assertEqual(lead.next_promise_date, days(-5))

    def test_lead_without_commitments_owes_nothing(self):
        lead = self.annotated().get(pk=self.other.pk)
        self.assertEqual((lead.outstanding_amount, lead.overdue_amount, lead.next_promise_date), (D("0"), D("0"), None))

    def test_promises_kept_and_broken(self):
        lead = self.annotated().get(pk=self.lead.pk)
        self.assertEqual(lead.promises_kept, 1)  # cleared before its date
        self.assertEqual(lead.promises_broken, 2)  # the one open past its date, the rescheduled one

    def test_has_overdue_promise_filter(self):
        today = timezone.localdate()
        self.assertEqual(list(leads_with_overdue_promise(Lead.objects.all(), as_of=today)), [self.lead])
        self.assertEqual(list(leads_with_overdue_promise(Lead.objects.all(), as_of=today, has_overdue=False)), [self.other])

    def test_money_annotations_add_no_query(self):
        with self.assertNumQueries(1):
            list(self.annotated())


class AgingTests(TestCase):
    def setUp(self):
        self.branch = BranchFactory(name="Lahore Main")
        self.second = BranchFactory(organization=self.branch.organization, name="Karachi Saddar")
        self.user = branch_user(self.branch)
        self.admin = UserFactory(is_staff=True)
        self.today = timezone.localdate()
        for lateness, amount in ((1, "1.00"), (7, "7.00"), (8, "8.00"), (30, "30.00"), (31, "31.00"),
                                 (60, "60.00"), (61, "61.00"), (90, "90.00"), (91, "91.00"), (400, "400.00")):
            loan_commitment_create(lead=LeadFactory(branch=self.branch), amount=D(amount), promised_clear_date=days(-lateness))
        loan_commitment_create(lead=LeadFactory(branch=self.branch), amount=D("5.00"), promised_clear_date=days(0))
        partly = loan_commitment_create(lead=LeadFactory(branch=self.second), amount=D("100.00"), promised_clear_date=days(-3))
        loan_payment_record(commitment=partly, amount=D("40.00"))

    def buckets(self, report):
        return [(b.label, b.count, b.amount) for b in report.buckets]

    def test_buckets_by_days_past_the_promised_date(self):
        report = loan_aging(user=self.user, as_of=self.today)
        self.assertEqual(report.currency, "PKR")
        self.assertEqual(self.buckets(report), [
            ("1-7", 2, D("8.00")), ("8-30", 2, D("38.00")), ("31-60", 2, D("91.00")),
            ("61-90", 2, D("151.00")), ("90+", 2, D("491.00")),
        ])
        self.assertEqual([b.branch for b in report.branches], [self.branch.pk])

    def test_per_branch_and_total_for_the_organization(self):
        report = loan_aging(user=self.admin, as_of=self.today)
        self.assertEqual([b.branch_name for b in report.branches], ["Karachi Saddar", "Lahore Main"])
        self.assertEqual(report.buckets[0].count, 3)
        self.assertEqual(report.buckets[0].amount, D("68.00"))  # 1 + 7 + the 60 balance

    def test_as_of_a_past_day_ages_from_that_day(self):
        report = loan_aging(user=self.user, as_of=self.today - timedelta(days=1))
        self.assertEqual(report.buckets[0].count, 2)  # 7 and 8 days ago are then 6 and 7 days late
        self.assertEqual(report.total_count, 9)  # yesterday's promise was not late yet

    def test_currency_is_the_organizations(self):
        self.branch.organization.currency = "SAR"
        self.branch.organization.save()
        self.assertEqual(loan_aging(user=self.user, as_of=self.today).currency, "SAR")

    def test_aging_agrees_with_the_overdue_list_and_the_nightly_job(self):
        report = loan_aging(user=self.admin, as_of=self.today)
        overdue = list(overdue_loan_commitments(as_of=self.today, user=self.admin))
        self.assertEqual(report.total_count, len(overdue))
        self.assertEqual(report.total_amount, sum(c.balance for c in overdue))
        self.assertEqual(loan_commitments_mark_overdue(as_of=self.today, dry_run=True), 0)  # created overdue already
        LoanCommitment.objects.filter(status=LoanStatus.OVERDUE).update(status=LoanStatus.PENDING)
        self.assertEqual(loan_commitments_mark_overdue(as_of=self.today), report.total_count)


class NextPromiseDateTests(TestCase):
    """The lead's `next_promise_date` column follows every service that writes its commitments."""

    def setUp(self):
        self.lead = LeadFactory()

    def column(self, lead=None):
        return Lead.objects.values_list("next_promise_date", flat=True).get(pk=(lead or self.lead).pk)

    def test_create_sets_the_earliest_open_date(self):
        self.assertIsNone(self.column())
        loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(9))
        self.assertEqual(self.column(), days(9))
        loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(-3))
        self.assertEqual(self.column(), days(-3))
        loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(20))
        self.assertEqual(self.column(), days(-3))

    def test_update_of_the_date_moves_it(self):
        commitment = loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(9))
        loan_commitment_update(commitment=commitment, promised_clear_date=days(-1))
        self.assertEqual(self.column(), days(-1))

    def test_reschedule_moves_it_to_the_new_date(self):
        commitment = loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(-4))
        loan_commitment_reschedule(commitment=commitment, promised_clear_date=days(6))
        self.assertEqual(self.column(), days(6))

    def test_clearing_by_payment_drops_it(self):
        early = loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(-2))
        loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(5))
        loan_payment_record(commitment=early, amount=D("40.00"))  # partly paid: still open
        self.assertEqual(self.column(), days(-2))
        loan_payment_record(commitment=early, amount=D("60.00"))
        self.assertEqual(self.column(), days(5))

    def test_cancel_and_clear_drop_it(self):
        first = loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(-2))
        second = loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(5))
        loan_commitment_cancel(commitment=first)
        self.assertEqual(self.column(), days(5))
        loan_commitment_clear(commitment=second)
        self.assertIsNone(self.column())

    def test_merge_moves_it_to_the_lead_kept(self):
        from leads.services.merge import lead_merge

        other = LeadFactory(branch=self.lead.branch, customer_name=self.lead.customer_name, passport_number="")
        loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(8))
        loan_commitment_create(lead=other, amount=D("100.00"), promised_clear_date=days(-6))
        stale = Lead.objects.get(pk=self.lead.pk)
        lead_merge(into=stale, merge=[other])
        self.assertEqual(self.column(), days(-6))

    def test_a_full_save_of_an_old_copy_keeps_it(self):
        stale = Lead.objects.get(pk=self.lead.pk)
        loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(3))
        stale.remarks = "Changed."
        stale.save()
        self.assertEqual(self.column(), days(3))

    def test_nightly_overdue_mark_leaves_it(self):
        loan_commitment_create(lead=self.lead, amount=D("100.00"), promised_clear_date=days(1))
        loan_commitments_mark_overdue(as_of=days(5))
        self.assertEqual(self.column(), days(1))


class RowsWithMoneyInScopeTests(TestCase):
    """The per-day prebuilt rows with money: each caller's own scope, today's money, fresh figures."""

    def setUp(self):
        self.lead = LeadFactory()
        self.other = LeadFactory()
        self.user = branch_user(self.lead.branch)

    def test_scope_and_figures_are_each_requests_own(self):
        from unittest import mock

        from leads.loan_book import leads_with_money_and_record_in_scope, leads_with_money_in_scope

        loan_commitment_create(lead=self.lead, amount=D("500.00"), promised_clear_date=days(3))
        for rows in (leads_with_money_in_scope(user=self.user), leads_with_money_and_record_in_scope(user=self.user)):
            self.assertEqual([lead.pk for lead in rows], [self.lead.pk])
        self.assertEqual(leads_with_money_in_scope(user=branch_user(self.other.branch)).get().pk, self.other.pk)
        self.assertEqual(leads_with_money_in_scope(user=self.user).get().outstanding_amount, D("500.00"))
        self.assertEqual(leads_with_money_in_scope(user=self.user).get().overdue_amount, D("0.00"))
        loan_commitment_create(lead=self.lead, amount=D("20.00"), promised_clear_date=days(1))  # read anew
        self.assertEqual(leads_with_money_in_scope(user=self.user).get().outstanding_amount, D("520.00"))
        # Four days on, both promises are overdue: another day's rows are built with that day's date.
        with mock.patch("leads.loan_book.timezone.localdate", return_value=days(4)):
            lead = leads_with_money_and_record_in_scope(user=self.user).get()
        self.assertEqual((lead.overdue_amount, lead.promises_broken), (D("520.00"), 2))

    def test_money_subqueries_are_compiled_once_and_anew_for_another_outer_query(self):
        from unittest import mock

        from django.db.models import Subquery

        from leads.loan_book import leads_with_money_in_scope

        loan_commitment_create(lead=self.lead, amount=D("500.00"), promised_clear_date=days(3))
        from leads.selectors import LEAD_ROW_COLUMNS, LEAD_ROW_RELATIONS

        plain = leads_with_money(
            Lead.objects.visible_to(self.user).select_related(*LEAD_ROW_RELATIONS).only(*LEAD_ROW_COLUMNS),
            as_of=timezone.localdate(),
        )
        rows = leads_with_money_in_scope(user=self.user)
        self.assertEqual(str(rows.query), str(plain.query))  # the same SQL as compiling every time
        list(rows)
        with mock.patch.object(Subquery, "as_sql", autospec=True, side_effect=Subquery.as_sql) as compiled:
            self.assertEqual(leads_with_money_in_scope(user=self.user).get().outstanding_amount, D("500.00"))
        self.assertEqual(compiled.call_count, 0)
        # Another outer query (relabelled, or resolved anew) compiles its own copy.
        expression = rows.query.annotations["outstanding_amount"]
        self.assertIn("_compiled", expression.__dict__)
        for copy in (expression.relabeled_clone({"leads_lead": "V0"}), expression.copy()):
            self.assertNotIn("_compiled", copy.__dict__)
        self.assertEqual(list(Lead.objects.filter(pk__in=rows.filter(outstanding_amount__gt=0).values("pk"))), [self.lead])
