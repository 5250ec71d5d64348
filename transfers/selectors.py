"""Reads of imports and exports: an import's report, and the rows an export streams."""

from django.db.models import QuerySet

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


def organizations_seen_whole(*, user) -> set[int] | None:
    """Organizations whose identity numbers `user` sees unmasked (org admin); None means all (staff)."""
    if user_sees_everything(user):
        return None
    return set(
        Membership.objects.filter(user=user, role=MembershipRole.ORG_ADMIN).values_list("organization_id", flat=True)
    )
