"""Reads of imports and exports: an import's report, and the rows an export streams."""

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from leads.models import OPEN_LOAN_STATUSES, Lead, LoanCommitment
from organizations.models import Membership, MembershipRole, user_sees_everything
from transfers.models import LeadImport


def lead_imports_visible(*, user) -> QuerySet[LeadImport]:
    """Imports into the branches `user` may act on, without the stored file."""
    return LeadImport.objects.visible_to(user).defer("content").select_related("branch")


def lead_import_report(lead_import: LeadImport) -> LeadImport:
    """The import with its error lines and duplicate hints attached (two queries)."""
    lead_import.error_lines = list(lead_import.errors.order_by("row", "id").values("row", "field", "message"))
    lead_import.duplicate_lines = list(
        lead_import.row_results.exclude(possible_duplicates=[], known_at_branches=[])
        .order_by("row")
        .values("row", "lead", "possible_duplicates", "known_at_branches")
    )
    return lead_import


def with_outstanding_amount(leads: QuerySet[Lead]) -> QuerySet[Lead]:
    """`outstanding_amount`: the sum of the lead's open (pending or overdue) commitments, 0 when none."""
    open_sum = (
        LoanCommitment.objects.filter(lead_id=OuterRef("pk"), status__in=OPEN_LOAN_STATUSES)
        .order_by()
        .values("lead_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return leads.annotate(outstanding_amount=Coalesce(Subquery(open_sum, output_field=money), Value(0, output_field=money)))


def organizations_seen_whole(*, user) -> set[int] | None:
    """Organizations whose identity numbers `user` sees unmasked (org admin); None means all (staff)."""
    if user_sees_everything(user):
        return None
    return set(
        Membership.objects.filter(user=user, role=MembershipRole.ORG_ADMIN).values_list("organization_id", flat=True)
    )
