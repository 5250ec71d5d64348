"""Reads of imports and exports: an import's report, and the rows an export streams."""

from django.db.models import QuerySet

from leads.models import Lead
from organizations.models import Branch, Membership, MembershipRole, user_sees_everything, visible_branch_ids
from transfers.models import LeadImport


def lead_imports_visible(*, user) -> QuerySet[LeadImport]:
    """Imports into the branches `user` may act on, without the stored file.

    Reading one goes through `lead_import_report(..., user=user)` (hints masked to the reader's
    scope) and reverting through `lead_import_revert(..., actor=user)` (refused when the
    import wrote leads outside it), whoever uploaded it."""
    return LeadImport.objects.visible_to(user).defer("content").select_related("branch")


def lead_import_report(lead_import: LeadImport, *, user=None) -> LeadImport:
    """The import with its error lines and duplicate hints attached (four queries at most), as `user` may read it.

    The hints were worked out in the uploader's scope; a reader who cannot see a lead they name gets
    it as the uploader's hints treat such leads: its branch's name in `known_at_branches` and
    nothing else, and a created lead since moved out of their reach as `lead: null`.
    `user=None` (a system job) reads everything.
    """
    lead_import.error_lines = list(lead_import.errors.order_by("row", "id").values("row", "field", "message"))
    lines = list(
        lead_import.row_results.exclude(possible_duplicates=[], known_at_branches=[])
        .order_by("row")
        .values("row", "lead", "possible_duplicates", "known_at_branches")
    )
    if lines and user is not None and not user_sees_everything(user):
        visible = set(visible_branch_ids(user))
        lead_ids = [line["lead"] for line in lines if line["lead"] is not None]
        branch_of = dict(Lead.objects.filter(pk__in=lead_ids).values_list("pk", "branch_id")) if lead_ids else {}
        hidden = {d["branch"] for line in lines for d in line["possible_duplicates"] if d["branch"] not in visible}
        names = dict(Branch.objects.filter(pk__in=hidden).values_list("pk", "name")) if hidden else {}
        for line in lines:
            if line["lead"] is not None and branch_of.get(line["lead"]) not in visible:
                line["lead"] = None
            shown = []
            for duplicate in line["possible_duplicates"]:
                if duplicate["branch"] in visible:
                    shown.append(duplicate)
                elif names.get(duplicate["branch"]) and names[duplicate["branch"]] not in line["known_at_branches"]:
                    line["known_at_branches"] = [*line["known_at_branches"], names[duplicate["branch"]]]
            line["possible_duplicates"] = shown
    lead_import.duplicate_lines = [line for line in lines if line["possible_duplicates"] or line["known_at_branches"]]
    return lead_import


def organizations_seen_whole(*, user) -> set[int] | None:
    """Organizations whose identity numbers `user` sees unmasked (org admin); None means all (staff)."""
    if user_sees_everything(user):
        return None
    return set(
        Membership.objects.filter(user=user, role=MembershipRole.ORG_ADMIN).values_list("organization_id", flat=True)
    )
