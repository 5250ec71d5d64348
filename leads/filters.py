"""Query-string filters of the lead lists (django-filter); a bad value is a 400 naming the parameter."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from common.identity import normalize_cnic, normalize_contact_number, normalize_passport
from leads.loan_book import leads_with_overdue_promise
from leads.models import FINAL_LEAD_STATUSES, Lead, LeadSource, LeadStatus, LoanCommitment, sla_breached_condition
from common.api.filters import DateFilter, IdFilter

ORDERING_FIELDS = (
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
    ("next_followup_date", "next_followup_date"),
    ("last_contacted_at", "last_contacted_at"),
    ("customer_name", "customer_name"),
    ("lead_status", "lead_status"),
    # Annotations of `leads_with_money` (the list's queryset carries them).
    ("overdue_amount", "overdue_amount"),
    ("outstanding_amount", "outstanding_amount"),
)


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering` with the id as tie-breaker, so pages never repeat or skip rows."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "-id")
        return qs


def lead_text_search_q(value: str) -> Q:
    """Name contains the text; passport, contact number and CNIC match it in their stored form.

    A whole phone number as typed (`0321 5550123`, `03215550123`, `+92 321 5550123`) is that number and
    nothing else: an exact match on the stored E.164, which the contact-number index answers (a name
    never parses as a phone). Shared by `list/`'s `q` and the admin's lead search.
    """
    try:
        return Q(contact_number=normalize_contact_number(value))
    except ValidationError:
        pass
    condition = Q(customer_name__icontains=value)
    compact = "".join(value.split())
    if compact.isalnum():
        condition |= Q(passport_number__contains=compact.upper())
    if compact.replace("-", "").isdigit():
        digits = compact.replace("-", "")
        condition |= Q(contact_number__contains=digits) | Q(cnic__contains=compact)
    for field, normalize in (
        ("cnic", normalize_cnic),
        ("passport_number", normalize_passport),
    ):
        try:
            normalized = normalize(value)
        except ValidationError:
            continue
        condition |= Q(**{field: normalized})
    return condition


def _true_false_filter(method: str, help_text: str) -> django_filters.ChoiceFilter:
    """A `true`/`false` query parameter handled by `method` (anything else is a 400)."""
    return django_filters.ChoiceFilter(choices=[("true", "true"), ("false", "false")], method=method, help_text=help_text)


class LeadFilter(django_filters.FilterSet):
    """Filters of `GET /api/leads/list/`."""

    branch_id = IdFilter(field_name="branch_id", help_text="Only leads of this branch.")
    # distinct=False: these filter the lead's own column, so no row can repeat; django-filter's default
    # SELECT DISTINCT would sort the whole filtered set and defeat the index's order (200 ms at 1M leads).
    lead_status = django_filters.MultipleChoiceFilter(
        choices=LeadStatus.choices, distinct=False, help_text="One or more statuses (repeat the parameter)."
    )
    lead_source = django_filters.MultipleChoiceFilter(
        choices=LeadSource.choices, distinct=False, help_text="One or more sources (repeat the parameter)."
    )
    is_open = _true_false_filter("filter_is_open", "true: not converted and not lost; false: converted or lost.")
    next_followup_date = DateFilter(help_text="Follow-up due on this day (YYYY-MM-DD).")
    next_followup_date_after = DateFilter(
        field_name="next_followup_date", lookup_expr="gte", help_text="Follow-up due on or after this day."
    )
    next_followup_date_before = DateFilter(
        field_name="next_followup_date", lookup_expr="lte", help_text="Follow-up due on or before this day."
    )
    assigned_to = IdFilter(field_name="assigned_to_id", help_text="Assigned to this user id.")
    unassigned = _true_false_filter("filter_unassigned", "true: assigned to nobody; false: assigned to someone.")
    created_at_after = DateFilter(
        field_name="created_at", lookup_expr="date__gte", help_text="Created on or after this (local) day."
    )
    created_at_before = DateFilter(
        field_name="created_at", lookup_expr="date__lte", help_text="Created on or before this (local) day."
    )
    area = django_filters.CharFilter(lookup_expr="iexact", max_length=100, help_text="Area, case-insensitive.")
    lost_reason_code = django_filters.CharFilter(
        method="filter_lost_reason_code",
        max_length=50,
        help_text="Lost leads lost for this catalogue code (`other` includes leads lost before the catalogue).",
    )
    stale = _true_false_filter(
        "filter_stale", "true: open leads with no contact for 7 days or more (as the summary counts `stale`)."
    )
    never_contacted = _true_false_filter(
        "filter_never_contacted", "true: no follow-up recorded yet (no first contact); false: contacted at least once."
    )
    sla_breached = _true_false_filter(
        "filter_sla_breached",
        "true: the first-contact SLA was missed (first contact after `first_contact_due_at`, or none yet and that "
        "time passed while the lead was open); false: every other lead, those without an SLA included.",
    )
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=100,
        help_text="Text in the name, or a passport, contact number or CNIC in any spelling.",
    )
    has_overdue_promise = _true_false_filter(
        "filter_has_overdue_promise", "true: an open loan commitment was promised before today; false: none was."
    )
    ordering = StableOrderingFilter(fields=ORDERING_FIELDS, help_text="Sort field; prefix with - for descending.")

    class Meta:
        model = Lead
        fields: list = []

    def filter_is_open(self, queryset, name, value):
        return queryset.open() if value == "true" else queryset.filter(lead_status__in=FINAL_LEAD_STATUSES)

    def filter_lost_reason_code(self, queryset, name, value):
        return queryset.lost_for(value.strip()) if value.strip() else queryset

    def filter_unassigned(self, queryset, name, value):
        return queryset.filter(assigned_to__isnull=value == "true")

    def filter_stale(self, queryset, name, value):
        return queryset.stale() if value == "true" else queryset.exclude(pk__in=queryset.stale().values("pk"))

    def filter_never_contacted(self, queryset, name, value):
        return queryset.never_contacted() if value == "true" else queryset.filter(last_contacted_at__isnull=False)

    def filter_sla_breached(self, queryset, name, value):
        # "Now" to the minute: the same list asked again within the minute is the same query, so its
        # remembered count estimate (common/api/pagination.py) serves the next pages.
        now = timezone.now().replace(second=0, microsecond=0)
        condition = sla_breached_condition(now=now)
        return queryset.filter(condition) if value == "true" else queryset.exclude(condition)

    def filter_has_overdue_promise(self, queryset, name, value):
        return leads_with_overdue_promise(queryset, as_of=timezone.localdate(), has_overdue=value == "true")

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(lead_text_search_q(value)) if value else queryset


class DueLeadFilter(django_filters.FilterSet):
    """Filters of today's follow-up list."""

    branch_id = IdFilter(field_name="branch_id", help_text="Only leads of this branch.")
    assigned_to = IdFilter(field_name="assigned_to_id", help_text="Assigned to this user id.")

    class Meta:
        model = Lead
        fields: list = []


class OverdueLoanFilter(django_filters.FilterSet):
    """Filters of the overdue commitments list."""

    branch_id = IdFilter(field_name="branch_id", help_text="Only commitments of leads of this branch.")
    lead = IdFilter(field_name="lead_id", help_text="Only this lead's commitments.")

    class Meta:
        model = LoanCommitment
        fields: list = []
