"""The loan book over the API: payments, reschedules, money on the lead list and detail, the aging report."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.tests.factories import BookingFactory
from leads.models import LoanCommitment, LoanStatus
from leads.services import loan_commitment_cancel, loan_commitment_clear, loan_payment_record
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory, LoanCommitmentFactory
from organizations.models import Organization
from organizations.tests.factories import branch_user

D = Decimal


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


class LoanPaymentAPITests(LeadsAPITestCase):
    def setUp(self):
        self.commitment = LoanCommitmentFactory(lead=self.lead, amount=D("100000.00"), promised_clear_date=days(7))

    def pay(self, body, commitment=None):
        return self.client.post(self.url("loan-payments", (commitment or self.commitment).pk), body, format="json")

    def test_contract_path(self):
        self.assertEqual(self.url("loan-payments", 5), "/api/leads/loan-promise/5/payments/")
        self.assertEqual(self.url("loan-promise-reschedule", 5), "/api/leads/loan-promise/5/reschedule/")
        self.assertEqual(self.url("reports-aging"), "/api/leads/reports/aging/")

    def test_two_partial_payments_then_the_list(self):
        self.login(self.user_a1)
        first = self.pay({"amount": "40000.00", "method": "bank_transfer", "reference": "TRX-1"})
        self.assertStatus(first, 201)
        self.assertEqual(
            set(first.data), {"id", "commitment", "amount", "paid_at", "method", "reference", "receipt_number",
                              "balance_after", "created_by", "created_at"}
        )
        self.assertEqual((first.data["amount"], first.data["created_by"]), ("40000.00", self.user_a1.pk))
        self.assertStatus(self.pay({"amount": "60000.00"}), 201)
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.status, LoanStatus.CLEARED)
        listing = self.client.get(self.url("loan-payments", self.commitment.pk))
        self.assertStatus(listing, 200)
        self.assertEqual([row["amount"] for row in listing.data["results"]], ["60000.00", "40000.00"])

    def test_payment_above_the_balance_is_a_400_on_amount(self):
        self.login(self.user_a1)
        self.assertStatus(self.pay({"amount": "70000.00"}), 201)
        response = self.pay({"amount": "30000.01"})
        self.assertStatus(response, 400)
        self.assertEqual(set(response.data), {"amount"})

    def test_bad_bodies_are_400s_naming_the_field(self):
        self.login(self.user_a1)
        future = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
        for body, field in (
            ({}, "amount"),
            ({"amount": "0"}, "amount"),
            ({"amount": "abc"}, "amount"),
            ({"amount": "10.00", "method": "bitcoin"}, "method"),
            ({"amount": "10.00", "paid_at": future}, "paid_at"),
            ({"amount": "10.00", "paid_at": "yesterday"}, "paid_at"),
            ({"amount": "10.00", "reference": 5}, "reference"),
        ):
            with self.subTest(body=body):
                response = self.pay(body)
                self.assertStatus(response, 400)
                self.assertIn(field, response.data)

    def test_closed_commitment_is_a_409(self):
        self.login(self.user_a1)
        cleared = LoanCommitmentFactory(lead=self.lead)
        loan_commitment_clear(commitment=cleared)
        cancelled = LoanCommitmentFactory(lead=self.lead)
        loan_commitment_cancel(commitment=cancelled)
        rescheduled = LoanCommitmentFactory(lead=self.lead)
        self.client.post(self.url("loan-promise-reschedule", rescheduled.pk), {"promised_clear_date": str(days(3))}, format="json")
        for commitment in (cleared, cancelled, rescheduled):
            with self.subTest(status=LoanCommitment.objects.get(pk=commitment.pk).status):
                self.assertStatus(self.pay({"amount": "1.00"}, commitment), 409)

    def test_commitment_outside_the_scope_is_a_404(self):
        for user in (self.user_a2, self.user_b1, self.admin_b):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertStatus(self.pay({"amount": "1.00"}), 404)
                self.assertStatus(self.client.get(self.url("loan-payments", self.commitment.pk)), 404)
        self.assertFalse(self.commitment.payments.exists())

    def test_org_admin_and_staff_may_pay(self):
        for user in (self.admin_a, self.staff):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertStatus(self.pay({"amount": "1.00"}), 201)

    def test_anonymous_is_401_and_member_of_nothing_is_403(self):
        self.login(None)
        self.assertStatus(self.pay({"amount": "1.00"}), 401)
        self.login(self.nobody)
        self.assertStatus(self.pay({"amount": "1.00"}), 403)

    def test_payment_raises_the_bookings_paid_amount(self):
        booking = BookingFactory(branch=self.branch_a1, total_amount=D("300000.00"), paid_amount=D("0.00"))
        commitment = LoanCommitmentFactory(lead=self.lead, booking=booking, amount=D("50000.00"))
        self.login(self.user_a1)
        self.assertStatus(self.pay({"amount": "20000.00"}, commitment), 201)
        booking.refresh_from_db()
        self.assertEqual(booking.paid_amount, D("20000.00"))

    def test_commitment_shows_paid_amount_balance_and_rescheduled_from(self):
        self.login(self.user_a1)
        self.pay({"amount": "25000.00"})
        response = self.client.get(self.url("lead-loan-commitments", self.lead.pk))
        row = response.data["results"][0]
        self.assertEqual((row["paid_amount"], row["balance"], row["rescheduled_from"]), ("25000.00", "75000.00", None))

    def test_recording_a_payment_takes_a_constant_number_of_queries(self):
        booking = BookingFactory(branch=self.branch_a1, total_amount=D("300000.00"), paid_amount=D("0.00"))
        commitment = LoanCommitmentFactory(lead=self.lead, booking=booking, amount=D("50000.00"))
        # The organization's receipt counter for the year exists (its first payment of a year creates it: 4 more).
        loan_payment_record(commitment=LoanCommitmentFactory(lead=self.lead, amount=D("10.00")), amount=D("1.00"))
        self.login(self.user_a1)
        for amount in ("1.00", "49999.00"):  # a partial payment and the one that clears
            with self.subTest(amount=amount):
                with CaptureQueriesContext(connection) as captured:
                    self.assertStatus(self.pay({"amount": amount}, commitment), 201)
                self.assertLessEqual(len(captured.captured_queries), 15)
        # The service itself: 1 savepoint, 2 lock the commitment's lead (the loan book's lock order:
        # leads before commitments), 3 lock the commitment, 4 the booking's conditional update, 5 the receipt
        # counter += 1 (which locks it), 6 the number and the organization's name, 7 the payment, 8 its history
        # row, 9 paid_amount += amount, 10 status/dates, 11 the history row, 12 release;
        # the payment that clears also refreshes the lead's next_promise_date (lock the lead, one UPDATE).
        other = LoanCommitmentFactory(lead=self.lead, booking=booking, amount=D("500.00"))
        for amount, queries in (("1.00", 12), ("499.00", 14)):
            with self.subTest(service_amount=amount), self.assertNumQueries(queries):
                loan_payment_record(commitment=other, amount=D(amount))


class LoanRescheduleAPITests(LeadsAPITestCase):
    def setUp(self):
        self.commitment = LoanCommitmentFactory(lead=self.lead, amount=D("1000.00"), promised_clear_date=days(-3))
        loan_payment_record(commitment=self.commitment, amount=D("400.00"))

    def reschedule(self, body, commitment=None):
        return self.client.post(
            self.url("loan-promise-reschedule", (commitment or self.commitment).pk), body, format="json"
        )

    def test_reschedule_answers_201_with_the_new_commitment_for_the_balance(self):
        self.login(self.user_a1)
        response = self.reschedule({"promised_clear_date": str(days(10))})
        self.assertStatus(response, 201)
        self.assertEqual(response.data["rescheduled_from"], self.commitment.pk)
        self.assertEqual((response.data["amount"], response.data["status"]), ("600.00", "pending"))
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.status, LoanStatus.RESCHEDULED)

    def test_reschedule_for_a_given_amount(self):
        self.login(self.user_a1)
        response = self.reschedule({"promised_clear_date": str(days(10)), "amount": "250.00"})
        self.assertStatus(response, 201)
        self.assertEqual(response.data["amount"], "250.00")

    def test_closed_commitment_is_a_409(self):
        self.login(self.user_a1)
        self.assertStatus(self.reschedule({"promised_clear_date": str(days(10))}), 201)
        self.assertStatus(self.reschedule({"promised_clear_date": str(days(10))}), 409)

    def test_bad_bodies_are_400s_naming_the_field(self):
        self.login(self.user_a1)
        for body, field in (
            ({}, "promised_clear_date"),
            ({"promised_clear_date": str(days(-1))}, "promised_clear_date"),
            ({"promised_clear_date": str(days(1)), "amount": "0"}, "amount"),
        ):
            with self.subTest(body=body):
                response = self.reschedule(body)
                self.assertStatus(response, 400)
                self.assertIn(field, response.data)

    def test_outside_the_scope_is_a_404(self):
        self.login(self.user_b1)
        self.assertStatus(self.reschedule({"promised_clear_date": str(days(10))}), 404)

    def test_reschedule_is_in_the_leads_history(self):
        self.login(self.user_a1)
        new_id = self.reschedule({"promised_clear_date": str(days(10))}).data["id"]
        history = self.client.get(self.url("history", self.lead.pk)).data["results"]
        rescheduled = [e for e in history if e["history_change_reason"] == "reschedule"]
        self.assertEqual({(e["object_id"], e["history_type"]) for e in rescheduled}, {(self.commitment.pk, "changed"), (new_id, "created")})
        self.assertTrue(all(e["history_user"]["username"] == "branch_a1" for e in rescheduled))
        payments = [e for e in history if e["model"] == "loan_payment"]
        self.assertEqual(len(payments), 1)


class LeadMoneyAPITests(LeadsAPITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        late = LoanCommitmentFactory(lead=cls.lead, amount=D("1000.00"), promised_clear_date=days(-5))
        loan_payment_record(commitment=late, amount=D("100.00"))
        LoanCommitmentFactory(lead=cls.lead, amount=D("500.00"), promised_clear_date=days(3))
        cls.clean = LeadFactory(branch=cls.branch_a1, customer_name="Ayesha Khan")
        LoanCommitmentFactory(lead=cls.clean, amount=D("50.00"), promised_clear_date=days(1))

    def test_list_and_detail_show_the_money(self):
        self.login(self.user_a1)
        rows = {row["id"]: row for row in self.client.get(self.url("list")).data["results"]}
        row = rows[self.lead.pk]
        self.assertEqual(
            (row["outstanding_amount"], row["overdue_amount"], row["next_promise_date"]),
            ("1400.00", "900.00", str(days(-5))),
        )
        detail = self.client.get(self.url("detail", self.lead.pk)).data
        self.assertEqual((detail["outstanding_amount"], detail["promises_kept"], detail["promises_broken"]), ("1400.00", 0, 1))

    def test_has_overdue_promise_filter(self):
        self.login(self.user_a1)
        for value, expected in (("true", {self.lead.pk}), ("false", {self.clean.pk})):
            with self.subTest(value=value):
                response = self.client.get(self.url("list"), {"has_overdue_promise": value})
                self.assertEqual({row["id"] for row in response.data["results"]}, expected)
        self.assertStatus(self.client.get(self.url("list"), {"has_overdue_promise": "maybe"}), 400)

    def test_ordering_by_money(self):
        self.login(self.user_a1)
        for ordering, first in (("-overdue_amount", self.lead.pk), ("outstanding_amount", self.clean.pk),
                                ("-outstanding_amount", self.lead.pk)):
            with self.subTest(ordering=ordering):
                response = self.client.get(self.url("list"), {"ordering": ordering})
                self.assertStatus(response, 200)
                self.assertEqual(response.data["results"][0]["id"], first)


class OverduePromiseFilterAPITests(LeadsAPITestCase):
    """The filter answers the leads with an open commitment promised before today, as the semi-join did."""

    @classmethod
    def setUpTestData(cls):
        from leads.services import loan_commitment_create, loan_commitment_reschedule

        super().setUpTestData()

        def lead_with(*dates):
            lead = LeadFactory(branch=cls.branch_a1)
            return lead, [loan_commitment_create(lead=lead, amount=D("10.00"), promised_clear_date=d) for d in dates]

        cls.overdue, _ = lead_with(days(-3), days(4))
        cls.due_today, _ = lead_with(days(0))
        cls.future, _ = lead_with(days(2))
        cls.paid, (paid,) = lead_with(days(-3))
        loan_payment_record(commitment=paid, amount=D("10.00"))
        cls.cancelled, (cancelled, _) = lead_with(days(-3), days(-1))
        loan_commitment_cancel(commitment=cancelled)
        cls.rescheduled, (moved,) = lead_with(days(-5))
        loan_commitment_reschedule(commitment=moved, promised_clear_date=days(1))
        cls.cleared, (cleared,) = lead_with(days(-2))
        loan_commitment_clear(commitment=cleared)
        cls.none = LeadFactory(branch=cls.branch_a1)

    def semi_join(self, has_overdue):
        from django.db.models import Exists, OuterRef

        from leads.models import OPEN_LOAN_STATUSES, Lead

        overdue = Exists(
            LoanCommitment.objects.filter(
                lead=OuterRef("pk"), status__in=OPEN_LOAN_STATUSES, promised_clear_date__lt=days(0)
            )
        )
        leads = Lead.objects.filter(branch=self.branch_a1)
        return set(leads.filter(overdue if has_overdue else ~overdue).values_list("pk", flat=True))

    def test_true_and_false_answer_the_semi_join_leads(self):
        self.login(self.user_a1)
        listed = {row["id"] for row in self.client.get(self.url("list"), {"page_size": 100}).data["results"]}
        self.assertEqual(self.semi_join(True) & listed, {self.overdue.pk, self.cancelled.pk})
        for value, has_overdue in (("true", True), ("false", False)):
            with self.subTest(value=value):
                response = self.client.get(self.url("list"), {"has_overdue_promise": value, "page_size": 100})
                self.assertStatus(response, 200)
                ids = {row["id"] for row in response.data["results"]}
                self.assertEqual(ids, self.semi_join(has_overdue) & listed)
                self.assertEqual(response.data["count"], len(ids))


class LeadMoneyQueryCountTests(LeadsAPITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for _ in range(60):
            lead = LeadFactory(branch=cls.branch_a1)
            commitment = LoanCommitmentFactory(lead=lead, promised_clear_date=days(-2), amount=D("10.00"))
            loan_payment_record(commitment=commitment, amount=D("1.00"))

    def test_list_with_money_and_the_overdue_filter_at_two_page_sizes(self):
        for params in ({}, {"has_overdue_promise": "true", "ordering": "-overdue_amount"}):
            for page_size in (5, 50):
                with self.subTest(params=params, page_size=page_size):
                    self.login(self.user_a1)
                    # 1 the caller's branch ids, 2 count, 3 the page (money as subqueries of the same query)
                    with self.assertNumQueries(3):
                        response = self.client.get(self.url("list"), {"page_size": page_size, **params})
                    self.assertEqual(len(response.data["results"]), page_size)
                    self.assertEqual(response.data["results"][0]["overdue_amount"], "9.00")


class AgingReportAPITests(LeadsAPITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.assignee = branch_user(cls.branch_a1)
        for lateness, branch in ((2, cls.branch_a1), (45, cls.branch_a1), (100, cls.branch_a2), (3, cls.branch_b1)):
            lead = LeadFactory(branch=branch, assigned_to=cls.assignee if branch == cls.branch_a1 else None)
            LoanCommitmentFactory(lead=lead, amount=D("1000.00"), promised_clear_date=days(-lateness))

    def report(self, **params):
        return self.client.get(self.url("reports-aging"), params)

    def test_branches_in_different_currencies_are_a_400_on_branch_id(self):
        Organization.objects.filter(pk=self.branch_b1.organization_id).update(currency="SAR")
        self.login(self.staff)
        response = self.report()
        self.assertStatus(response, 400)
        self.assertIn("branch_id", response.json())
        self.assertStatus(self.report(branch_id=self.branch_b1.pk), 200)

    def test_shape_and_scope(self):
        self.login(self.user_a1)
        response = self.report()
        self.assertStatus(response, 200)
        self.assertEqual(set(response.data), {"as_of", "currency", "buckets", "branches"})
        self.assertEqual(response.data["as_of"], str(timezone.localdate()))
        self.assertEqual(response.data["currency"], "PKR")
        self.assertEqual(
            [(b["label"], b["days_from"], b["days_to"]) for b in response.data["buckets"]],
            [("1-7", 1, 7), ("8-30", 8, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None)],
        )
        self.assertEqual([b["amount"] for b in response.data["buckets"]], ["1000.00", "0.00", "1000.00", "0.00", "0.00"])
        self.assertEqual([b["branch"] for b in response.data["branches"]], [self.branch_a1.pk])
        self.assertEqual(set(response.data["branches"][0]), {"branch", "branch_name", "buckets"})

    def test_org_admin_sees_each_branch_and_the_total(self):
        self.login(self.admin_a)
        data = self.report().data
        self.assertEqual({b["branch"] for b in data["branches"]}, {self.branch_a1.pk, self.branch_a2.pk})
        self.assertEqual(sum(b["count"] for b in data["buckets"]), 3)

    def test_filters(self):
        self.login(self.admin_a)
        self.assertEqual(sum(b["count"] for b in self.report(branch_id=self.branch_a2.pk).data["buckets"]), 1)
        self.assertEqual(sum(b["count"] for b in self.report(assigned_to=self.assignee.pk).data["buckets"]), 2)
        past = self.report(as_of=str(days(-10))).data
        self.assertEqual(sum(b["count"] for b in past["buckets"]), 2)  # 45 and 100 days late today
        self.assertEqual(self.report(branch_id=self.branch_b1.pk).data["branches"], [])

    def test_bad_filters_are_400s_naming_the_parameter(self):
        self.login(self.user_a1)
        for params, field in (({"as_of": str(days(1))}, "as_of"), ({"as_of": "x"}, "as_of"), ({"branch_id": "x"}, "branch_id"),
                              ({"assigned_to": "0"}, "assigned_to")):
            with self.subTest(params=params):
                response = self.report(**params)
                self.assertStatus(response, 400)
                self.assertIn(field, response.data)

    def test_access(self):
        self.login(None)
        self.assertStatus(self.report(), 401)
        self.login(self.nobody)
        self.assertStatus(self.report(), 403)

    def test_report_agrees_with_the_overdue_loans_list(self):
        self.login(self.admin_a)
        report = self.report().data
        overdue = self.client.get(self.url("overdue-loans"), {"page_size": 100}).data
        self.assertEqual(sum(b["count"] for b in report["buckets"]), overdue["count"])
        self.assertEqual(
            sum(D(b["amount"]) for b in report["buckets"]), sum(D(row["balance"]) for row in overdue["results"])
        )


class LoanBookQueryCountTests(LeadsAPITestCase):
    def test_payments_list_at_two_page_sizes(self):
        commitment = LoanCommitmentFactory(lead=self.lead, amount=D("1000.00"))
        for _ in range(60):
            loan_payment_record(commitment=commitment, amount=D("1.00"))
        for page_size in (5, 50):
            with self.subTest(page_size=page_size):
                self.login(self.user_a1)
                # 1 branch ids, 2 the commitment in scope, 3 count, 4 the page
                with self.assertNumQueries(4):
                    response = self.client.get(self.url("loan-payments", commitment.pk), {"page_size": page_size})
                self.assertEqual(len(response.data["results"]), page_size)

    def test_aging_report_takes_the_same_queries_for_one_branch_or_many(self):
        for branches in (1, 2):
            with self.subTest(branches=branches):
                for branch in (self.branch_a1, self.branch_a2)[:branches]:
                    LoanCommitmentFactory(lead=LeadFactory(branch=branch), promised_clear_date=days(-3))
                self.login(self.admin_a)
                # 1 branch ids, 2 the buckets per branch (one GROUP BY), 3 the branches' names and currency
                with self.assertNumQueries(3):
                    response = self.client.get(self.url("reports-aging"))
                self.assertEqual(len(response.data["branches"]), branches)
