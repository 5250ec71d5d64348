"""The scoped-endpoint test base applied to every endpoint that reads or writes rows of a branch."""

import datetime

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APITestCase

from booking.tests.factories import BookingFactory
from leads.models import Lead
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import branch_user
from organizations.tests.scoped_endpoints import ScopedEndpointTestBase

TODAY = timezone.localdate


def url(name, *args):
    return reverse(name, args=args)


class LeadOnPath(ScopedEndpointTestBase):
    """An endpoint acting on the lead named on its path."""

    name = ""
    body = None

    def make(self, branch):
        return LeadFactory(branch=branch, next_followup_date=TODAY())

    def request_for(self, row):
        return url(self.name, row.pk), self.body


class CommitmentOnPath(ScopedEndpointTestBase):
    name = ""
    body = None

    def make(self, branch):
        return LoanCommitmentFactory(lead=LeadFactory(branch=branch))

    def request_for(self, row):
        return url(self.name, row.pk), self.body


class DetailTests(LeadOnPath, APITestCase):
    name = "leads:detail"


class HistoryTests(LeadOnPath, APITestCase):
    name = "leads:history"


class LeadFollowUpsTests(LeadOnPath, APITestCase):
    name = "leads:lead-followups"


class LeadLoanCommitmentsTests(LeadOnPath, APITestCase):
    name = "leads:lead-loan-commitments"


class UpdatePatchTests(LeadOnPath, APITestCase):
    name, method, body = "leads:update", "patch", {"remarks": "Called back"}


class UpdatePutTests(LeadOnPath, APITestCase):
    name, method = "leads:update", "put"

    def request_for(self, row):
        return url(self.name, row.pk), {"customer_name": "New Name", "contact_number": "03001112233",
                                        "branch": row.branch_id}


class ConvertTests(LeadOnPath, APITestCase):
    name, method, body = "leads:convert", "put", {}


class LostTests(LeadOnPath, APITestCase):
    name, method, body = "leads:lost", "put", {"lost_reason": "Went elsewhere"}


class LoanClearTests(CommitmentOnPath, APITestCase):
    name, method = "leads:loan-promise-clear", "put"


class LoanCancelTests(CommitmentOnPath, APITestCase):
    name, method = "leads:loan-promise-cancel", "put"


class LoanPaymentsListTests(CommitmentOnPath, APITestCase):
    name = "leads:loan-payments"


class LoanPaymentsCreateTests(CommitmentOnPath, APITestCase):
    name, method, ok_status = "leads:loan-payments", "post", 201
    body = {"amount": "100.00", "method": "cash"}


class LoanRescheduleTests(CommitmentOnPath, APITestCase):
    name, method, ok_status = "leads:loan-promise-reschedule", "post", 201

    def request_for(self, row):
        return url(self.name, row.pk), {"promised_clear_date": (TODAY() + datetime.timedelta(days=9)).isoformat()}


class LoanPromiseUpdateTests(CommitmentOnPath, APITestCase):
    method = "post"

    def request_for(self, row):
        return url("leads:loan-promise"), {"id": row.pk, "amount": "750.00"}


# --- Rows named in the body: another tenant's is a 400 on that field, as an unknown id.

class CreateTests(ScopedEndpointTestBase, APITestCase):
    method, ok_status, other_tenant_status = "post", 201, 400

    def make(self, branch):
        return branch

    def request_for(self, row):
        return url("leads:create"), {"customer_name": "Walk In", "contact_number": "0300 7654321", "branch": row.pk}


class FollowUpCreateTests(LeadOnPath, APITestCase):
    method, ok_status, other_tenant_status = "post", 201, 400

    def request_for(self, row):
        return url("leads:followup"), {"lead": row.pk, "remarks": "Called."}


class LoanPromiseAddTests(LeadOnPath, APITestCase):
    method, ok_status, other_tenant_status = "post", 201, 400

    def request_for(self, row):
        return url("leads:loan-promise"), {"lead": row.pk, "amount": "500.00", "promised_clear_date": TODAY().isoformat()}


class MergeTests(LeadOnPath, APITestCase):
    method = "post"

    def request_for(self, row):
        into = LeadFactory(branch=self.home, passport_number="")
        return url("leads:merge"), {"into": into.pk, "merge": [row.pk]}


# --- Lists: only rows in scope.

class ListTests(LeadOnPath, APITestCase):
    is_list, other_tenant_status = True, 200

    def request_for(self, row):
        return url("leads:list"), None


class FollowUpTodayTests(ListTests):
    def request_for(self, row):
        return url("leads:followup-today"), None


class SearchTests(ListTests):
    def request_for(self, row):
        return url("leads:search") + f"?passport={row.passport_number}", None


class OverdueLoansTests(CommitmentOnPath, APITestCase):
    is_list, other_tenant_status = True, 200

    def make(self, branch):
        return LoanCommitmentFactory(
            lead=LeadFactory(branch=branch), promised_clear_date=TODAY() - datetime.timedelta(days=3)
        )

    def request_for(self, row):
        return url("leads:overdue-loans"), None


class OverdueLoansDueTodayTests(OverdueLoansTests):
    """`include_due_today=true`: a commitment promised for today is listed in scope only."""

    def make(self, branch):
        return LoanCommitmentFactory(lead=LeadFactory(branch=branch), promised_clear_date=TODAY())

    def request_for(self, row):
        return url("leads:overdue-loans") + "?include_due_today=true", None


class BookingListTests(ScopedEndpointTestBase, APITestCase):
    is_list, other_tenant_status = True, 200

    def make(self, branch):
        booking = BookingFactory(branch=branch)
        LeadFactory(branch=branch, booking=booking)
        return booking

    def request_for(self, row):
        return url("booking:list-create"), None

    def test_the_lead_of_a_booking_is_only_named_when_the_caller_can_open_it(self):
        booking = self.make(self.home)
        Lead.objects.filter(booking=booking).update(branch=self.elsewhere)  # a lead the caller cannot open
        rows = {item["id"]: item["lead"] for item in self.call(self.member, booking).data["results"]}
        self.assertIsNone(rows[booking.pk])


class BookingCreateTests(ScopedEndpointTestBase, APITestCase):
    method, ok_status, other_tenant_status = "post", 201, 400

    def make(self, branch):
        return branch

    def request_for(self, row):
        return url("booking:list-create"), {"branch": row.pk, "customer_name": "Hamza", "contact_number": "0300 1234567",
                                            "total_amount": "1000.00"}


class MeTests(ScopedEndpointTestBase, APITestCase):
    """`/api/me/` is how a client learns it has no membership, so it answers the member-less too (empty)."""

    is_list, other_tenant_status, no_membership_status = True, 200, 200

    def make(self, branch):
        branch_user(branch)  # someone's membership there
        return branch

    def request_for(self, row):
        return url("organizations:me"), None

    def listed_ids(self, response):
        return {membership["branch"] for membership in response.data["memberships"]}

    def lists_home_rows(self, user):
        return user == self.member  # an organization admin's one membership names no branch

    def test_no_membership_is_403(self):
        response = self.call(self.nobody, self.make(self.home))
        self.assertEqual((response.status_code, response.data["memberships"]), (200, []))


class FollowUpRowsStayWithTheirLead(LeadOnPath, APITestCase):
    """A lead's follow-up list never shows another lead's rows, however they were made."""

    name = "leads:lead-followups"

    def test_only_the_leads_own_follow_ups(self):
        lead, other = self.make(self.home), self.make(self.home)
        mine, theirs = FollowUpHistoryFactory(lead=lead), FollowUpHistoryFactory(lead=other)
        ids = self.listed_ids(self.call(self.member, lead))
        self.assertEqual((mine.pk in ids, theirs.pk in ids), (True, False))


# --- The branch desk's endpoints (issue 22).

class FollowUpMissedTests(ListTests):
    def make(self, branch):
        return LeadFactory(branch=branch, next_followup_date=TODAY() - datetime.timedelta(days=2))

    def request_for(self, row):
        return url("leads:followup-missed"), None


class AssigneesTests(ScopedEndpointTestBase, APITestCase):
    """A branch named in the query: another tenant's is a 400 on `branch`, as an unknown one."""

    other_tenant_status = 400

    def make(self, branch):
        return branch

    def request_for(self, row):
        return url("leads:assignees") + f"?branch={row.pk}", None


class DuplicatesTests(ScopedEndpointTestBase, APITestCase):
    """Another tenant's lead is never hinted: the answer is empty for the caller. (Outside the home
    branch the check still answers 200: a sister branch's member is told only the branch's name.)"""

    other_tenant_status = 200

    def make(self, branch):
        return LeadFactory(branch=branch, contact_number="+923007770001")

    def request_for(self, row):
        return url("leads:duplicates") + "?contact_number=03007770001", None

    def test_other_tenants_row_does_not_exist_for_the_caller(self):
        self.make(self.elsewhere)
        response = self.call(self.member, None)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.data, {"possible_duplicates": [], "known_at_branches": []})


class ReceiptTests(ScopedEndpointTestBase, APITestCase):
    def make(self, branch):
        from decimal import Decimal

        from leads.services import loan_payment_record

        commitment = LoanCommitmentFactory(lead=LeadFactory(branch=branch), amount=Decimal("100.00"))
        return loan_payment_record(commitment=commitment, amount=Decimal("10.00"))

    def request_for(self, row):
        return url("leads:loan-payment-receipt", row.commitment_id, row.pk), None
