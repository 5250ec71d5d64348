"""Merging leads of one customer: everything moves to the lead kept, the others are deleted."""

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from common.errors import OutOfScope, StateConflict
from leads.events import leads_merging
from leads.models import FollowUpHistory, Lead, LoanCommitment
from leads.services.attribution import attribute_history
from leads.services.loans import refresh_next_promise_date

# Fields of the kept lead that a merged lead fills when they are empty on the kept one.
MERGE_FILLED_FIELDS = (
    "passport_number",
    "cnic",
    "address",
    "area",
    "next_followup_date",
    "assigned_to",
    "booking",
    "remarks",
)


@transaction.atomic
def lead_merge(*, into: Lead, merge: list[Lead], actor=None) -> Lead:
    """Merge `merge` into `into` in one transaction and return the kept lead.

    Every follow-up and loan commitment (with its payments, which hang on the commitment) moves to
    `into`, as does a booking link; `into`'s empty fields are filled from the merged leads (oldest
    first); the merged leads are deleted and `into`'s history records the merge. Two different
    passports (different people) or two different bookings are a conflict; all leads must share
    the organization. Every lead is locked through `actor`'s scope: one outside it is `OutOfScope`
    (404), whoever calls (`actor=None`, a system job, reaches every lead).
    """
    merge_ids = sorted({lead.pk for lead in merge})
    if not merge_ids:
        raise ValidationError({"merge": ["Name at least one lead to merge."]})
    if into.pk in merge_ids:
        raise ValidationError({"merge": ["A lead cannot be merged into itself."]})
    # Locked through the actor's scope, then judged: a lead outside it (or gone meanwhile) is a 404 to a user.
    in_scope = Lead.objects.unscoped() if actor is None else Lead.objects.visible_to(actor)
    rows = in_scope.select_for_update().filter(pk__in=[into.pk, *merge_ids]).order_by("pk")
    locked = {lead.pk: lead for lead in rows}
    if len(locked) != len(merge_ids) + 1:
        if actor is not None:
            raise OutOfScope()
        raise ValidationError({"merge": ["One of these leads no longer exists."]})
    into = locked[into.pk]
    others = sorted((locked[pk] for pk in merge_ids), key=lambda lead: (lead.created_at, lead.pk))
    if any(lead.organization_id != into.organization_id for lead in others):
        raise ValidationError({"merge": ["Only leads of one organization can be merged."]})
    everyone = [into, *others]
    if len({lead.passport_number for lead in everyone if lead.passport_number}) > 1:
        raise StateConflict("The leads have different passport numbers: they are different customers.")
    if len({lead.booking_id for lead in everyone if lead.booking_id}) > 1:
        raise StateConflict("The leads link different bookings; a lead links one booking.")

    reason = f"Merged lead(s) {', '.join(f'#{pk}' for pk in merge_ids)} into this lead"
    followups = list(FollowUpHistory.objects.filter(lead_id__in=merge_ids))
    for followup in followups:
        followup.lead = into
    bulk_update_with_history(followups, FollowUpHistory, ["lead"], default_user=actor, default_change_reason=reason)
    commitments = list(LoanCommitment.objects.filter(lead_id__in=merge_ids))
    for commitment in commitments:
        commitment.lead, commitment.branch_id = into, into.branch_id
    bulk_update_with_history(
        commitments, LoanCommitment, ["lead", "branch"], default_user=actor, default_change_reason=reason
    )

    for name in MERGE_FILLED_FIELDS:
        attname = Lead._meta.get_field(name).attname
        if getattr(into, attname) in (None, ""):
            for other in others:
                if getattr(other, attname) not in (None, ""):
                    setattr(into, attname, getattr(other, attname))
                    if name == "assigned_to":  # the assignee comes with when it was given
                        into.assigned_at = other.assigned_at
                    break
    contacts = [lead.last_contacted_at for lead in everyone if lead.last_contacted_at]
    into.last_contacted_at = max(contacts) if contacts else None
    # The merged follow-ups move too: the first contact is the earliest of all the leads'.
    firsts = [lead.first_contacted_at for lead in everyone if lead.first_contacted_at]
    into.first_contacted_at = min(firsts) if firsts else None

    # The apps above move their own rows (messaging: the merged leads' threads) before the leads go.
    leads_merging.send(sender=Lead, into=into, merged_ids=list(merge_ids))
    for other in others:
        other._change_reason = f"Merged into lead #{into.pk}"
        attribute_history(other, actor)
        other.delete()
    into._change_reason = reason
    attribute_history(into, actor)
    into.save()
    if commitments:
        refresh_next_promise_date(into.pk)
    return into
