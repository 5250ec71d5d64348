"""`GET /api/leads/loan-promise/<id>/payments/<payment_id>/receipt/`: a payment's printable receipt (HTML).

A page of its own (not a JSON body): the receipt number, the customer, the amount, method and reference,
the balance left right after the payment (kept on the payment when it was recorded, so it never changes),
who took it, and the organization and branch. It loads its stylesheet and print button from the service's
static files only (the Content-Security-Policy allows no inline script or style). Errors are the API's.
Unlike the API's JSON it is written for people: in the reader's language (the `django_language` cookie the
desk's and the admin's language switch set, else Accept-Language), right to left in Urdu.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils import timezone, translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound

from common.api.schema import ACCESS_ERRORS, error_responses
from common.languages import request_language
from leads.models import LoanPayment
from organizations.scoped_views import BranchScopedAPIView


def payments_visible(*, user):
    """Payments on commitments `user` may see, with what a receipt shows joined in."""
    return LoanPayment.objects.visible_to(user).select_related(
        "commitment__lead", "commitment__branch__organization", "created_by"
    )


class LoanPaymentReceiptView(BranchScopedAPIView):
    """GET /api/leads/loan-promise/<id>/payments/<payment_id>/receipt/"""

    scoped_queryset = staticmethod(payments_visible)

    @extend_schema(
        operation_id="leads_loan_payment_receipt",
        summary="A payment's printable receipt",
        description="An HTML page to print or save: the organization and branch, the receipt number, the "
        "customer, the amount, method and reference, the balance left right after this payment, and who took "
        "it. A payment of another commitment, or outside your branches, is a 404.",
        responses={
            (200, "text/html"): OpenApiResponse(OpenApiTypes.STR, description="The receipt page."),
            **error_responses(*ACCESS_ERRORS, 404, e404="No such payment of this commitment in your branches."),
        },
        tags=["loan commitments"],
    )
    def get(self, request, pk: int, payment_id: int):
        # The payment must be this commitment's: another commitment's is as missing as another branch's.
        found = list(self.get_queryset().filter(pk=payment_id, commitment_id=pk).order_by()[:1])
        if not found:
            raise NotFound()
        payment = found[0]
        commitment = payment.commitment
        taken_by = payment.created_by.get_full_name() or payment.created_by.username if payment.created_by else ""
        paid_at = timezone.localtime(payment.paid_at)
        language = request_language(request)
        with translation.override(language):
            html = render_to_string(
                "leads/receipt.html",
                {
                    "payment": payment,
                    "commitment": commitment,
                    "lead": commitment.lead,
                    "branch": commitment.branch,
                    "organization": commitment.branch.organization,
                    "currency": commitment.branch.organization.currency,
                    "paid_at": paid_at,
                    "paid_on": paid_at.date(),
                    "taken_by": taken_by,
                },
                request=request,
            )
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response
