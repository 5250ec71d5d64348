"""Duplicate hints: which other leads of the organization share a new lead's contact number or CNIC.

A hint never shows more than the caller may see: leads in the caller's scope come back as
`possible_duplicates` (id, name, branch); a match in a branch the caller cannot see is reduced
to that branch's name in `known_at_branches`. One query for any number of leads.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from leads.models import Lead
from organizations.models import user_sees_everything, visible_branch_ids

# Enough to act on; a number shared by hundreds of leads (a travel agent's own phone) is not a hint.
MAX_POSSIBLE_DUPLICATES = 10


@dataclass
class DuplicateHints:
    possible_duplicates: list[dict] = field(default_factory=list)
    known_at_branches: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.possible_duplicates or self.known_at_branches)

    def as_dict(self) -> dict:
        return {"possible_duplicates": self.possible_duplicates, "known_at_branches": self.known_at_branches}


def duplicate_hints(*, user, leads: list[Lead]) -> dict[int, DuplicateHints]:
    """For each lead (by id): the organization's other leads with the same contact number or CNIC, as `user` may know them."""
    hints = {lead.pk: DuplicateHints() for lead in leads}
    if not leads:
        return hints
    condition = Q()
    for organization_id in {lead.organization_id for lead in leads}:
        mine = [lead for lead in leads if lead.organization_id == organization_id]
        same = Q(contact_number__in={lead.contact_number for lead in mine})
        cnics = {lead.cnic for lead in mine if lead.cnic}
        if cnics:
            same |= Q(cnic__in=cnics)
        condition |= Q(organization_id=organization_id) & same
    by_contact, by_cnic = {}, {}
    rows = (
        Lead.objects.filter(condition)
        .exclude(pk__in=list(hints))
        .order_by("id")
        .values_list("id", "customer_name", "branch_id", "branch__name", "organization_id", "contact_number", "cnic")
    )
    for row in rows:
        by_contact.setdefault((row[4], row[5]), []).append(row)
        if row[6]:
            by_cnic.setdefault((row[4], row[6]), []).append(row)
    sees_all = user_sees_everything(user)
    visible = set() if sees_all else set(visible_branch_ids(user))
    for lead in leads:
        found = {row[0]: row for row in by_contact.get((lead.organization_id, lead.contact_number), [])}
        if lead.cnic:
            found.update({row[0]: row for row in by_cnic.get((lead.organization_id, lead.cnic), [])})
        hint = hints[lead.pk]
        for match_id, name, branch_id, branch_name, *_ in sorted(found.values()):
            if sees_all or branch_id in visible:
                if len(hint.possible_duplicates) < MAX_POSSIBLE_DUPLICATES:
                    hint.possible_duplicates.append({"id": match_id, "customer_name": name, "branch": branch_id})
            elif branch_name not in hint.known_at_branches:
                hint.known_at_branches.append(branch_name)
    return hints


def with_duplicate_hints(*, user, lead: Lead) -> Lead:
    """`lead` with `possible_duplicates` and `known_at_branches` attached (what `create/` answers), in one query."""
    hints = duplicate_hints(user=user, leads=[lead])[lead.pk]
    lead.possible_duplicates, lead.known_at_branches = hints.possible_duplicates, hints.known_at_branches
    return lead
