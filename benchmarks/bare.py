"""Bare-Django twins of the read endpoints: the same filter and page, as `.values()` in a JsonResponse.

No DRF, no authentication, no serializers: the floor that the API's own cost is compared with.
The caller passes the branch ids the API would scope to (`scope=1,2`), so the SQL is the same work.
"""

from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone

from common.identity import normalize_contact_number, normalize_passport
from leads.models import FINAL_LEAD_STATUSES, OPEN_LOAN_STATUSES, FollowUpHistory, Lead, LoanCommitment

# The same columns the API's serializers show, joins included (branch name, assignee, customer).
LEAD_ROW_VALUES = (
    "id", "customer_name", "contact_number", "passport_number", "cnic", "area", "branch_id", "branch__name",
    "branch__code", "organization_id", "lead_source", "lead_status", "next_followup_date", "last_contacted_at",
    "assigned_to_id", "assigned_to__username", "booking_id", "created_at", "updated_at",
)
LEAD_DETAIL_VALUES = (*LEAD_ROW_VALUES, "address", "converted_at", "lost_reason", "lost_at", "remarks", "created_by_id")
FOLLOWUP_VALUES = (
    "id", "lead_id", "followup_at", "contact_method", "remarks", "next_followup_date", "created_by_id", "created_at",
)
COMMITMENT_VALUES = (
    "id", "lead_id", "booking_id", "amount", "promised_clear_date", "status", "remarks", "cleared_at",
    "created_by_id", "created_at", "updated_at",
)
OVERDUE_VALUES = (
    *COMMITMENT_VALUES, "lead__customer_name", "lead__contact_number", "lead__branch_id", "lead__branch__name",
)
RECENT_ITEMS = 10


def _scope(request) -> list[int]:
    return [int(part) for part in request.GET.get("scope", "").split(",") if part]


def _page(request, queryset, fields) -> dict:
    """Count the filtered rows (without the display joins, as Django's paginator does), then one page."""
    size = min(int(request.GET.get("page_size", 20)), 100)
    page = int(request.GET.get("page", 1))
    start = (page - 1) * size
    return {"count": queryset.count(), "results": list(queryset.values(*fields)[start : start + size])}


def search(request):
    leads = Lead.objects.filter(branch_id__in=_scope(request))
    if request.GET.get("passport"):
        leads = leads.filter(passport_number=normalize_passport(request.GET["passport"]))
    if request.GET.get("contact"):
        leads = leads.filter(contact_number=normalize_contact_number(request.GET["contact"]))
    return JsonResponse(list(leads.values(*LEAD_ROW_VALUES)), safe=False)


def lead_list(request):
    leads = Lead.objects.filter(
        branch_id__in=_scope(request), branch_id=request.GET["branch_id"], lead_status=request.GET["lead_status"]
    )
    return JsonResponse(_page(request, leads, LEAD_ROW_VALUES))


def detail(request, pk):
    lead = Lead.objects.filter(branch_id__in=_scope(request), pk=pk).values(*LEAD_DETAIL_VALUES).get()
    followups = FollowUpHistory.objects.filter(lead_id=pk).order_by("-followup_at", "-id")
    commitments = LoanCommitment.objects.filter(lead_id=pk).order_by("-created_at", "-id")
    lead["recent_followups"] = list(followups.values(*FOLLOWUP_VALUES)[:RECENT_ITEMS])
    lead["recent_loan_commitments"] = list(commitments.values(*COMMITMENT_VALUES)[:RECENT_ITEMS])
    return JsonResponse(lead)


def followup_today(request):
    leads = Lead.objects.filter(
        branch_id__in=_scope(request), next_followup_date=timezone.localdate()
    ).exclude(lead_status__in=FINAL_LEAD_STATUSES)
    leads = leads.order_by(F("last_contacted_at").asc(nulls_first=True), "id")
    return JsonResponse(_page(request, leads, LEAD_ROW_VALUES))


def overdue_loans(request):
    commitments = LoanCommitment.objects.filter(
        branch_id__in=_scope(request),
        status__in=OPEN_LOAN_STATUSES,
        promised_clear_date__lt=timezone.localdate(),
    ).order_by("promised_clear_date", "id")
    return JsonResponse(_page(request, commitments, OVERDUE_VALUES))
