"""Duplicate hints: which other leads of the organization share a new lead's contact number, CNIC or passport.

A hint never shows more than the caller may see: leads in the caller's scope come back as
`possible_duplicates` (id, name, branch); a match in a branch the caller cannot see is reduced
to that branch's name in `known_at_branches`. One query for any number of leads.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Q, Value, When

from leads.models import FINAL_LEAD_STATUSES, Lead
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


IDENTITY_FIELDS = ("contact_number", "cnic", "passport_number")


@dataclass(frozen=True)
class _Identity:
    """What a lead (saved or about to be) is matched on, within one organization."""

    organization_id: int
    contact_number: str = ""
    cnic: str = ""
    passport_number: str = ""


def duplicate_hints(*, user, leads: list[Lead]) -> dict[int, DuplicateHints]:
    """For each lead (by id): the organization's other leads with the same contact number, CNIC or passport, as `user` may know them."""
    identities = {
        lead.pk: _Identity(lead.organization_id, lead.contact_number, lead.cnic, lead.passport_number) for lead in leads
    }
    return _hints(user=user, identities=identities, exclude_ids=list(identities))


def duplicate_hints_before_create(
    *, user, organization_ids, contact_number: str = "", cnic: str = "", passport_number: str = ""
) -> DuplicateHints:
    """What a create of a lead with these (normalised) values in one of `organization_ids` would answer as
    `possible_duplicates` and `known_at_branches`, before anything is saved: the same assembly as the create's.

    A passport match is listed too (a create with it would be refused). Several organizations (a caller who
    belongs to more than one and named no branch): their hints together.
    """
    identities = {
        organization_id: _Identity(organization_id, contact_number, cnic, passport_number)
        for organization_id in sorted(organization_ids)
    }
    merged = DuplicateHints()
    for hint in _hints(user=user, identities=identities, exclude_ids=[]).values():
        room = MAX_POSSIBLE_DUPLICATES - len(merged.possible_duplicates)
        merged.possible_duplicates += hint.possible_duplicates[:room]
        merged.known_at_branches += [name for name in hint.known_at_branches if name not in merged.known_at_branches]
    return merged


def _hints(*, user, identities: dict, exclude_ids: list[int]) -> dict:
    """The one assembly: a hint per identity (same keys), from one query over every identity's organization."""
    hints = {key: DuplicateHints() for key in identities}
    # One IN list per field and organization (not one condition per lead: a chunk of an import would nest
    # past SQLite's expression depth), then each row is matched to its identities in Python.
    values: dict[int, dict[str, set]] = {}
    for identity in identities.values():
        per_field = values.setdefault(identity.organization_id, {})
        for field in IDENTITY_FIELDS:
            if getattr(identity, field):
                per_field.setdefault(field, set()).add(getattr(identity, field))
    condition = Q()
    for organization_id, per_field in values.items():
        same = Q()
        for field, found in per_field.items():
            same |= Q(**{f"{field}__in": sorted(found)})
        if same:
            condition |= Q(organization_id=organization_id) & same
    if not condition:
        return hints
    rows = (
        Lead.objects.filter(condition)
        .exclude(pk__in=exclude_ids)
        .order_by("id")
        .only("id", "customer_name", "branch_id", "branch__name", "organization_id", "contact_number", "cnic",
              "passport_number")
        .select_related("branch")
    )
    by_value: dict[tuple, dict[int, Lead]] = {}
    for row in rows:
        for field in IDENTITY_FIELDS:
            if getattr(row, field):
                by_value.setdefault((row.organization_id, field, getattr(row, field)), {})[row.pk] = row
    sees_all = user_sees_everything(user)
    visible = set() if sees_all else set(visible_branch_ids(user))
    for key, identity in identities.items():
        hint = hints[key]
        found = {}
        for field in IDENTITY_FIELDS:
            if getattr(identity, field):
                found.update(by_value.get((identity.organization_id, field, getattr(identity, field)), {}))
        for _, row in sorted(found.items()):
            if sees_all or row.branch_id in visible:
                if len(hint.possible_duplicates) < MAX_POSSIBLE_DUPLICATES:
                    hint.possible_duplicates.append(
                        {"id": row.pk, "customer_name": row.customer_name, "branch": row.branch_id}
                    )
            elif row.branch.name not in hint.known_at_branches:
                hint.known_at_branches.append(row.branch.name)
    return hints


def with_duplicate_hints(*, user, lead: Lead) -> Lead:
    """`lead` with `possible_duplicates` and `known_at_branches` attached (what `create/` answers), in one query."""
    hints = duplicate_hints(user=user, leads=[lead])[lead.pk]
    lead.possible_duplicates, lead.known_at_branches = hints.possible_duplicates, hints.known_at_branches
    return lead


# Who the customer is, strongest proof first: the order in which an inbound enquiry (intake) finds the
# lead it belongs to, as an import matches its rows (passport, else CNIC, else contact number).
CUSTOMER_MATCH_ORDER = ("passport_number", "cnic", "contact_number")
# A number many leads share (an agent's own phone) is not worth reading whole.
MAX_CUSTOMER_CANDIDATES = 20


def find_customer_lead(
    *, organization_id: int, passport_number: str = "", cnic: str = "", contact_number: str = "",
    for_update: bool = False,
) -> Lead | None:
    """The organization's lead of this customer (normalised values), or None: the same passport, else the same
    CNIC, else the same contact number; among several, open leads first, then the most recent.

    A lead holding a different passport (or CNIC) than the one given is another person (families share a
    phone), so it is never matched on a weaker field. One query (`for_update`: the candidates are locked).
    """
    given = {"passport_number": passport_number, "cnic": cnic, "contact_number": contact_number}
    fields = [name for name in CUSTOMER_MATCH_ORDER if given[name]]
    if not fields:
        return None
    condition, rank = Q(), []
    for order, name in enumerate(fields):
        condition |= Q(**{name: given[name]})
        rank.append(When(Q(**{name: given[name]}), then=Value(order)))
    closed = Case(When(lead_status__in=FINAL_LEAD_STATUSES, then=Value(1)), default=Value(0))
    rows = (
        Lead.objects.unscoped()
        .filter(condition, organization_id=organization_id)
        .order_by(Case(*rank, default=Value(len(fields))), closed, "-created_at", "-id")
    )
    if for_update:
        rows = rows.select_for_update(of=("self",))
    for lead in rows[:MAX_CUSTOMER_CANDIDATES]:
        matched = next(name for name in fields if getattr(lead, name) == given[name])
        stronger = fields[:fields.index(matched)]
        # Same phone (or CNIC) but another person's passport (or CNIC): not this customer.
        if not any(getattr(lead, other) and getattr(lead, other) != given[other] for other in stronger):
            return lead
    return None
