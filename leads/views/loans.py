"""Loan commitment endpoints: add or update, clear, cancel, pay, reschedule, a lead's list, the overdue list, aging."""

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from common.api.schema import ACCESS_ERRORS, error_responses
from leads.filters import OverdueLoanFilter
from leads.loan_book import commitment_payments, loan_aging
from leads.selectors import lead_list, lead_loan_commitments, loan_commitments_visible, overdue_loan_rows
from leads.serializers import (
    AgingReportInputSerializer,
    AgingReportOutputSerializer,
    LoanCommitmentOutputSerializer,
    LoanPaymentInputSerializer,
    LoanPaymentOutputSerializer,
    LoanPromiseInputSerializer,
    LoanRescheduleInputSerializer,
    OverdueLoanOutputSerializer,
    OverdueLoansInputSerializer,
)
from leads.services import (
    loan_commitment_cancel,
    loan_commitment_clear,
    loan_commitment_create,
    loan_commitment_reschedule,
    loan_commitment_update,
    loan_payment_record,
)
from organizations.scoped_views import BranchScopedAPIView

TAGS = ["loan commitments"]


class LoanPromiseView(BranchScopedAPIView):
    """POST /api/leads/loan-promise/"""

    serializer_class = LoanPromiseInputSerializer  # the browsable API's form
    scoped_queryset = staticmethod(loan_commitments_visible)

    @extend_schema(
        operation_id="leads_loan_promise",
        summary="Add a loan commitment, or update one",
        description="Without `id`: adds a commitment (`lead`, `amount`, `promised_clear_date` "
        "required), answering 201. With `id`: changes that open commitment's amount, date, booking or "
        "remarks, answering 200; an `id` outside your branches is a 404, a cleared or cancelled "
        "commitment a 409. A promised date already past makes the commitment `overdue` at once.",
        request=LoanPromiseInputSerializer,
        responses={
            201: OpenApiResponse(LoanCommitmentOutputSerializer, description="Added."),
            200: OpenApiResponse(LoanCommitmentOutputSerializer, description="Updated (the body had `id`)."),
            **error_responses(
                400,
                *ACCESS_ERRORS,
                404,
                409,
                e404="No commitment with this `id` in your branches.",
                e409="The commitment is cleared or cancelled.",
            ),
        },
        tags=TAGS,
    )
    def post(self, request):
        serializer = LoanPromiseInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        commitment_id = data.pop("id", None)
        if commitment_id is None:
            commitment = loan_commitment_create(actor=request.user, **data)
            return Response(LoanCommitmentOutputSerializer(commitment).data, status=status.HTTP_201_CREATED)
        commitment = loan_commitment_update(
            commitment=self.get_scoped_object(commitment_id), actor=request.user, **data
        )
        return Response(LoanCommitmentOutputSerializer(commitment).data)


class _LoanPromiseCloseView(BranchScopedAPIView):
    """PUT on a commitment in scope: `close` (a service) moves it to its final status."""

    scoped_queryset = staticmethod(loan_commitments_visible)
    close = None

    def put(self, request, pk: int):
        commitment = type(self).close(commitment=self.get_scoped_object(pk), actor=request.user)
        return Response(LoanCommitmentOutputSerializer(commitment).data)


@extend_schema_view(
    put=extend_schema(
        operation_id="leads_loan_promise_clear",
        summary="Mark a loan commitment cleared (paid)",
        description="No body. Clearing a cleared commitment again changes nothing (200).",
        request=None,
        responses={
            200: LoanCommitmentOutputSerializer,
            **error_responses(*ACCESS_ERRORS, 404, 409, e409="The commitment is cancelled."),
        },
        tags=TAGS,
    )
)
class LoanPromiseClearView(_LoanPromiseCloseView):
    """PUT /api/leads/loan-promise/<id>/clear/"""

    close = staticmethod(loan_commitment_clear)


@extend_schema_view(
    put=extend_schema(
        operation_id="leads_loan_promise_cancel",
        summary="Cancel a loan commitment",
        description="No body. Cancelling a cancelled commitment again changes nothing (200).",
        request=None,
        responses={
            200: LoanCommitmentOutputSerializer,
            **error_responses(*ACCESS_ERRORS, 404, 409, e409="The commitment is cleared."),
        },
        tags=TAGS,
    )
)
class LoanPromiseCancelView(_LoanPromiseCloseView):
    """PUT /api/leads/loan-promise/<id>/cancel/"""

    close = staticmethod(loan_commitment_cancel)


class LeadLoanCommitmentListView(BranchScopedAPIView):
    """GET /api/leads/detail/<id>/loan-commitments/"""

    scoped_queryset = staticmethod(lead_list)

    @extend_schema(
        operation_id="leads_loan_commitments_list",
        summary="A lead's loan commitments",
        description="Newest first, paginated; every status.",
        responses={
            200: LoanCommitmentOutputSerializer(many=True),
            **error_responses(400, *ACCESS_ERRORS, 404, e404="No such lead in your branches, or no such page."),
        },
        tags=TAGS,
    )
    def get(self, request, pk: int):
        lead = self.get_scoped_object(pk)
        page = self.paginate_queryset(lead_loan_commitments(lead=lead))
        return self.get_paginated_response(LoanCommitmentOutputSerializer(page, many=True).data)


class OverdueLoanListView(BranchScopedAPIView):
    """GET /api/leads/overdue-loans/"""

    scoped_queryset = staticmethod(overdue_loan_rows)
    filter_backends = [DjangoFilterBackend]
    filterset_class = OverdueLoanFilter

    @extend_schema(
        operation_id="leads_overdue_loans",
        summary="Loan commitments past their promised date",
        description="Not cleared or cancelled, promised before today (the organization's local day), "
        "judged from the dates, so the list is right before the nightly job marks them. Oldest first. "
        "With `include_due_today=true` the commitments promised for today are listed too (`days_overdue` 0, "
        "last): what is due today or overdue, in one request.",
        parameters=[OverdueLoansInputSerializer],
        responses={
            200: OverdueLoanOutputSerializer(many=True),
            **error_responses(400, *ACCESS_ERRORS, 404, e404="No such page."),
        },
        tags=TAGS,
    )
    def get(self, request):
        query = OverdueLoansInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = overdue_loan_rows(user=request.user, include_due_today=query.validated_data["include_due_today"])
        page = self.paginate_queryset(self.filter_queryset(rows))
        context = {"as_of": timezone.localdate()}
        return self.get_paginated_response(OverdueLoanOutputSerializer(page, many=True, context=context).data)


class LoanPaymentListCreateView(BranchScopedAPIView):
    """GET/POST /api/leads/loan-promise/<id>/payments/"""

    scoped_queryset = staticmethod(loan_commitments_visible)

    @extend_schema(
        operation_id="leads_loan_payments_list",
        summary="A loan commitment's payments",
        description="Newest first (by `paid_at`), paginated.",
        responses={
            200: LoanPaymentOutputSerializer(many=True),
            **error_responses(400, *ACCESS_ERRORS, 404, e404="No such commitment in your branches, or no such page."),
        },
        tags=TAGS,
    )
    def get(self, request, pk: int):
        commitment = self.get_scoped_object(pk)
        page = self.paginate_queryset(commitment_payments(commitment=commitment))
        return self.get_paginated_response(LoanPaymentOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="leads_loan_payments_create",
        summary="Record a payment on a loan commitment",
        description="`amount` (at most the balance), optional `paid_at` (default now, never in the "
        "future), `method` and `reference`. The payment that reaches the amount clears the commitment; "
        "a commitment naming a booking raises the booking's `paid_amount` too.",
        request=LoanPaymentInputSerializer,
        examples=[
            OpenApiExample(
                "A cash instalment",
                request_only=True,
                value={"amount": "10.00", "method": "cash", "reference": "RCPT-1042"},
            )
        ],
        responses={
            201: OpenApiResponse(LoanPaymentOutputSerializer, description="Recorded."),
            **error_responses(
                400,
                *ACCESS_ERRORS,
                404,
                409,
                e400="Invalid input: `amount` above the balance (or the booking's remaining total), "
                "`paid_at` in the future, an unknown `method`.",
                e404="No such commitment in your branches.",
                e409="The commitment is cleared, cancelled or rescheduled.",
            ),
        },
        tags=TAGS,
    )
    def post(self, request, pk: int):
        commitment = self.get_scoped_object(pk)
        serializer = LoanPaymentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = loan_payment_record(commitment=commitment, actor=request.user, **serializer.validated_data)
        return Response(LoanPaymentOutputSerializer(payment).data, status=status.HTTP_201_CREATED)


class LoanPromiseRescheduleView(BranchScopedAPIView):
    """POST /api/leads/loan-promise/<id>/reschedule/"""

    scoped_queryset = staticmethod(loan_commitments_visible)

    @extend_schema(
        operation_id="leads_loan_promise_reschedule",
        summary="Reschedule a loan commitment",
        description="The open commitment becomes `rescheduled` (final) and a new `pending` one for "
        "`amount` (default the balance) by `promised_clear_date` (today or later) is created with "
        "`rescheduled_from` pointing back; the answer is the new commitment.",
        request=LoanRescheduleInputSerializer,
        examples=[
            OpenApiExample(
                "The balance, by a later day",
                request_only=True,
                value={"promised_clear_date": "2030-01-15", "amount": "25000.00"},
            )
        ],
        responses={
            201: OpenApiResponse(LoanCommitmentOutputSerializer, description="The new commitment."),
            **error_responses(
                400,
                *ACCESS_ERRORS,
                404,
                409,
                e404="No such commitment in your branches.",
                e409="The commitment is cleared, cancelled or already rescheduled.",
            ),
        },
        tags=TAGS,
    )
    def post(self, request, pk: int):
        commitment = self.get_scoped_object(pk)
        serializer = LoanRescheduleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        successor = loan_commitment_reschedule(
            commitment=commitment, actor=request.user, **serializer.validated_data
        )
        return Response(LoanCommitmentOutputSerializer(successor).data, status=status.HTTP_201_CREATED)


class AgingReportView(BranchScopedAPIView):
    """GET /api/leads/reports/aging/"""

    pagination_class = None

    @extend_schema(
        operation_id="leads_reports_aging",
        summary="Receivables by age: open commitments' balances by days past the promised date",
        description="Buckets 1-7, 8-30, 31-60, 61-90 and 90+ days late, per branch and in total, over "
        "your branches (the same commitments as `overdue-loans/` on that day). `as_of` is the "
        "organization's business day to age from (default today, never a future day); amounts are "
        "decimal strings in the organization's `currency`.",
        parameters=[AgingReportInputSerializer],
        responses={
            200: AgingReportOutputSerializer,
            **error_responses(
                400,
                *ACCESS_ERRORS,
                e400="Invalid filter, an `as_of` in the future, or branches keeping different currencies "
                "(pick one with `branch_id`).",
            ),
        },
        tags=TAGS,
    )
    def get(self, request):
        serializer = AgingReportInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        report = loan_aging(  # branches keeping different currencies: a 400 on `branch_id` (MixedCurrencies)
            user=request.user,
            as_of=params.get("as_of") or timezone.localdate(),
            branch_id=params.get("branch_id"),
            assigned_to=params.get("assigned_to"),
        )
        return Response(AgingReportOutputSerializer(report).data)


__all__ = [
    "AgingReportView",
    "LoanPaymentListCreateView",
    "LoanPromiseRescheduleView",
    "LeadLoanCommitmentListView",
    "LoanPromiseCancelView",
    "LoanPromiseClearView",
    "LoanPromiseView",
    "OverdueLoanListView",
]
