"""Who gets a lead: the branch's assignment rule, applied by every door, and assigning by hand in bulk.

A branch's rule (`AssignmentRule`; none means `manual`) names a strategy: `manual` leaves new leads in
the unassigned queue, `round_robin` deals them out in turn, `least_open` gives each to the member with
the fewest open leads. The members dealt to are the branch's active branch users and branch managers
who are available (not on leave) and under their daily cap (`Membership.daily_cap`, counted on the
leads of the branch assigned to them since the business day began). Org admins and staff are not in
the rotation unless they also hold a branch membership. Nobody eligible: the lead stays unassigned.

Concurrent creates take turns on the rule's row: the first statement of an assignment advances the
rule's cursor (`turn`) with an `UPDATE … RETURNING`, which also locks the row until the creating
transaction ends, so the next create reads the members' counts only after this one's lead is committed.
That is two statements per create (the cursor, the members with their counts), none for `manual`
beyond the first.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from common.errors import OutOfScope
from leads.business_hours import business_day_bounds
from leads.models import AssignmentRule, AssignmentStrategy, FINAL_LEAD_STATUSES, Lead
from leads.services.attribution import attribute_history
from leads.services.rules import check_assignee_reaches_branch
from organizations.models import Membership, MembershipRole
from organizations.scoping import NOT_IN_SCOPE, manages_branch

# The memberships whose holders are dealt leads by a rule (org admins only by holding one of these too).
ROTATION_ROLES = (MembershipRole.BRANCH_USER, MembershipRole.BRANCH_MANAGER)
BULK_ASSIGN_LIMIT = 100


@dataclass
class _Member:
    user_id: int
    daily_cap: int | None
    assigned_today: int
    open_leads: int

    @property
    def has_room(self) -> bool:
        return self.daily_cap is None or self.assigned_today < self.daily_cap


def _advance_cursor(branch_id: int, count: int) -> tuple[str, int] | None:
    """Advance the branch's cursor by `count` and lock its rule; (strategy, turn before) or None for manual.

    One statement: the row lock it takes is the mutex of the branch's assignments until the transaction ends.
    """
    table = connection.ops.quote_name(AssignmentRule._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET turn = turn + %s WHERE branch_id = %s AND strategy <> %s RETURNING strategy, turn",
            [count, branch_id, AssignmentStrategy.MANUAL],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    strategy, turn = row
    return strategy, turn - count


def eligible_members_query(*, branch_id: int, with_open_leads: bool):
    """The branch's members a rule may deal to, by user id, each with the leads of the branch assigned to
    them today (only when they have a cap: else 0) and, when asked, their open leads of the branch."""
    start, end = business_day_bounds(timezone.localdate(), timezone.localdate())
    of_member = Lead.objects.filter(branch_id=branch_id, assigned_to_id=OuterRef("user_id")).order_by()

    def count(leads):
        return Coalesce(
            Subquery(leads.values("assigned_to_id").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
            Value(0),
        )

    today = count(of_member.filter(assigned_at__gte=start, assigned_at__lt=end))
    members = (
        Membership.objects.filter(
            branch_id=branch_id, role__in=ROTATION_ROLES, available=True, user__is_active=True
        )
        .order_by("user_id")
        .annotate(
            # Counted only for members with a cap: PostgreSQL skips the subquery in the other branch.
            assigned_today=Case(When(daily_cap__isnull=True, then=Value(0)), default=today, output_field=IntegerField()),
            open_leads=count(of_member.exclude(lead_status__in=FINAL_LEAD_STATUSES)) if with_open_leads else Value(0),
        )
    )
    return members.values_list("user_id", "daily_cap", "assigned_today", "open_leads")


def _pick(strategy: str, turn: int, members: list[_Member], count: int, *, open_flags: list[bool]) -> list[int | None]:
    chosen: list[int | None] = []
    for index in range(count):
        room = [member for member in members if member.has_room]
        if not room:
            chosen.append(None)
            continue
        if strategy == AssignmentStrategy.ROUND_ROBIN:
            member = room[(turn + index) % len(room)]
        else:
            member = min(room, key=lambda m: (m.open_leads, m.assigned_today, m.user_id))
        member.assigned_today += 1
        member.open_leads += int(open_flags[index])
        chosen.append(member.user_id)
    return chosen


def leads_auto_assign(*, branch, leads: list[Lead]) -> list[Lead]:
    """Give each of `leads` (of `branch`, without an assignee, saved or not) one by the branch's rule.

    Sets `assigned_to` and `assigned_at` in memory (the caller saves them) and returns the leads that got
    one. Must run inside the transaction that saves them: the rule's row stays locked until it ends, so
    concurrent creates spread evenly and no cap is exceeded. The assignees are told after the commit.
    """
    leads = [lead for lead in leads if lead.assigned_to_id is None]
    if not leads:
        return []
    advanced = _advance_cursor(branch.pk, len(leads))  # query 1: the cursor, locked
    if advanced is None:
        return []
    strategy, turn = advanced
    # query 2: who may be dealt to, with today's and open counts
    members = [
        _Member(*row)
        for row in eligible_members_query(branch_id=branch.pk, with_open_leads=strategy == AssignmentStrategy.LEAST_OPEN)
    ]
    if not members:
        return []
    now = timezone.now()
    assigned = []
    for lead, user_id in zip(leads, _pick(strategy, turn, members, len(leads), open_flags=[lead.is_open for lead in leads])):
        if user_id is not None:
            lead.assigned_to_id, lead.assigned_at = user_id, now
            assigned.append(lead)
    return assigned


def lead_auto_assign(lead: Lead) -> bool:
    """`leads_auto_assign` for one lead (unsaved or not; the caller saves it); True when it got an assignee."""
    return bool(leads_auto_assign(branch=lead.branch, leads=[lead]))


def notify_assigned(leads, *, actor=None) -> None:
    """Tell each lead's assignee after the transaction commits (never the actor about their own choice)."""
    from leads.assignment_notices import notify_assignees

    lead_ids = [lead.pk for lead in leads if lead.assigned_to_id is not None and lead.assigned_to_id != getattr(actor, "pk", None)]
    if lead_ids:
        notify_assignees(lead_ids=lead_ids, assigned_by_id=getattr(actor, "pk", None))


@transaction.atomic
def leads_assign(*, lead_ids: list[int], assigned_to, actor) -> list[Lead]:
    """Assign the leads to `assigned_to`, all or none, as a manager (`manages_branch`) of each lead's branch.

    Every lead must be one `actor` manages, else a 400 on `leads` naming the first that is not (one they
    cannot see is named as missing); the assignee must be able to open each lead's branch (else a 400 on
    `assigned_to`). The leads are locked in id order; each one's history records the change; the
    assignee is told after the commit. Returns the leads whose assignee changed.
    """
    ids = sorted(set(lead_ids))
    if not ids:
        raise ValidationError({"leads": ["Name at least one lead."]})
    if len(ids) > BULK_ASSIGN_LIMIT:
        raise ValidationError({"leads": [f"At most {BULK_ASSIGN_LIMIT} leads at a time."]})
    rows = Lead.objects.visible_to(actor).select_related("branch").select_for_update(of=("self",))
    locked = {lead.pk: lead for lead in rows.filter(pk__in=ids).order_by("pk")}
    for pk in ids:
        lead = locked.get(pk)
        if lead is None or not manages_branch(actor, lead.branch):
            raise ValidationError({"leads": [NOT_IN_SCOPE.format(pk=pk)]})
    for branch in {lead.branch_id: lead.branch for lead in locked.values()}.values():
        check_assignee_reaches_branch(assignee=assigned_to, branch=branch)
    now = timezone.now()
    changed = [lead for lead in locked.values() if lead.assigned_to_id != assigned_to.pk]
    for lead in changed:
        lead.assigned_to, lead.assigned_at, lead.updated_at = assigned_to, now, now
    if changed:
        bulk_update_with_history(
            changed, Lead, ["assigned_to", "assigned_at", "updated_at"], default_user=actor,
            default_change_reason=f"Assigned to {assigned_to.get_username()}",
        )
        notify_assigned(changed, actor=actor)
    return changed


def leads_reassign_open(*, branch, user_id: int, actor=None) -> tuple[int, int]:
    """Put `user_id`'s open leads of `branch` back through the branch's rule (a member who left or is
    deactivated): each gets the rule's pick, or goes to the unassigned queue. (reassigned, unassigned)."""
    leads = list(
        Lead.objects.unscoped().open().filter(branch=branch, assigned_to_id=user_id)
        .select_for_update(of=("self",)).order_by("pk")
    )
    if not leads:
        return 0, 0
    for lead in leads:
        lead.assigned_to_id, lead.assigned_at = None, None
    assigned = leads_auto_assign(branch=branch, leads=leads)
    now = timezone.now()
    for lead in leads:
        lead.updated_at = now
    bulk_update_with_history(
        leads, Lead, ["assigned_to", "assigned_at", "updated_at"], default_user=actor,
        default_change_reason="Reassigned: the assignee left the branch",
    )
    notify_assigned(assigned, actor=actor)
    return len(assigned), len(leads) - len(assigned)


def assignment_rule_of(*, branch) -> AssignmentRule:
    """The branch's rule (an unsaved `manual` one when it has none)."""
    return AssignmentRule.objects.filter(branch=branch).first() or AssignmentRule(branch=branch)


@transaction.atomic
def assignment_rule_set(*, branch, strategy: str, actor) -> AssignmentRule:
    """Set the branch's strategy as a manager of it (`manages_branch`, else `OutOfScope`: a 404)."""
    if actor is not None and not manages_branch(actor, branch):
        raise OutOfScope()
    if strategy not in AssignmentStrategy.values:
        raise ValidationError({"strategy": [f"Choose one of: {', '.join(AssignmentStrategy.values)}."]})
    rule, _ = AssignmentRule.objects.select_for_update().get_or_create(branch=branch)
    if rule.strategy != strategy:
        rule.strategy = strategy
        rule.updated_by = actor
        attribute_history(rule, actor)
        rule.save(update_fields=["strategy", "updated_by", "updated_at"])
    return rule
