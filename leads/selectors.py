"""Reads shared by views, commands and tests: what is due on a day, what is overdue."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from leads.models import FollowUpHistory, Lead, LoanCommitment, LostReason
from organizations.models import MembershipRole, user_sees_everything, visible_branch_ids


def leads_due_on(*, day: date, user, rows: QuerySet[Lead] | None = None) -> QuerySet[Lead]:
    """Open leads (not converted, not lost) in `user`'s scope whose next follow-up is `day`.

    `rows`: the scoped leads to look in (default every lead `user` may see), e.g. the API's rows with money.
    """
    return _due_on(Lead.objects.visible_to(user) if rows is None else rows, day=day)


def leads_due_on_unscoped(*, day: date) -> QuerySet[Lead]:
    """`leads_due_on` across every tenant: for jobs and benchmarks, never for a request."""
    return _due_on(Lead.objects.unscoped(), day=day)


def _due_on(leads: QuerySet[Lead], *, day: date) -> QuerySet[Lead]:
    return leads.open().filter(next_followup_date=day)


def leads_due_by_unscoped(*, day: date) -> QuerySet[Lead]:
    """Open leads whose next follow-up is `day` or already past it, across every tenant (the reminder job
    narrows them to each recipient's scope)."""
    return Lead.objects.unscoped().open().filter(next_followup_date__lte=day)


def overdue_loan_commitments(*, as_of: date, user) -> QuerySet[LoanCommitment]:
    """Commitments in `user`'s scope, not cleared or cancelled, promised before `as_of`, whether or not the job marked them."""
    return overdue_loan_commitments_unscoped(as_of=as_of).visible_to(user)


def overdue_loan_commitments_unscoped(*, as_of: date) -> QuerySet[LoanCommitment]:
    """`overdue_loan_commitments` across every tenant: for jobs and benchmarks."""
    return LoanCommitment.objects.unscoped().open().filter(promised_clear_date__lt=as_of)


# The commitment's own columns and, of its lead and branch, only what a row shows: a page of 50
# builds 150 model instances, and a lead has 25 columns.
_OVERDUE_ROW_COLUMNS = (
    *(field.name for field in LoanCommitment._meta.concrete_fields),
    "lead__customer_name",
    "lead__contact_number",
    "lead__branch",
    "lead__branch__name",
)


def overdue_loan_rows(*, user, include_due_today: bool = False) -> QuerySet[LoanCommitment]:
    """`overdue_loan_commitments` as of the business day, as the overdue list's rows (`overdue-loans/`), oldest promise first.

    `include_due_today`: also the open commitments promised for the business day itself (`days_overdue`
    0, after the late ones): what is due today or overdue, in one list (the desk's My day).
    """
    today = timezone.localdate()
    commitments = overdue_loan_commitments(as_of=today + timedelta(days=1) if include_due_today else today, user=user)
    return commitments.select_related("lead__branch").only(*_OVERDUE_ROW_COLUMNS).order_by("promised_clear_date", "id")


# --- Reads behind the REST API. Each starts from `visible_to(user)`, so a row outside the
# caller's scope never reaches a view, and loads what its serializer needs in a fixed number
# of queries (no per-row lookups).

RECENT_ITEMS_IN_DETAIL = 10
# What a table row shows besides the lead's own columns (branch name and code, assignee, lost reason).
LEAD_ROW_RELATIONS = ("branch", "assigned_to", "lost_reason_category")
# The columns a table row shows (LeadListOutputSerializer), of the lead and of those relations: a page
# of 50 rows reads and builds no text, dates or password hashes nobody sees.
LEAD_ROW_COLUMNS = (
    "customer_name", "contact_number", "passport_number", "cnic", "area", "branch", "organization", "lead_source",
    "lead_status", "lost_reason_category", "next_followup_date", "last_contacted_at", "assigned_to", "booking",
    "next_promise_date", "created_at", "updated_at",
    # the first-contact SLA (`first_contact_due_at`, and what `sla_breached` is judged on)
    "first_contact_due_at", "first_contacted_at", "converted_at", "lost_at",
    "branch__name", "branch__code", "assigned_to__username", "lost_reason_category__code",
)


def lead_list(*, user) -> QuerySet[Lead]:
    """Leads `user` may see, with the branch and assignee a table row shows joined in."""
    return Lead.objects.visible_to(user).select_related(*LEAD_ROW_RELATIONS)


def lead_with_recent_items(lead: Lead) -> Lead:
    """`lead` with `recent_followups` and `recent_loan_commitments` (the latest of each) attached.

    What the detail endpoint shows for one lead: two plain LIMIT queries, about a third of the CPU
    of a window-function prefetch, which pays off only for many leads at once.
    """
    lead.recent_followups = list(lead_followups(lead=lead)[:RECENT_ITEMS_IN_DETAIL])
    lead.recent_loan_commitments = list(lead_loan_commitments(lead=lead)[:RECENT_ITEMS_IN_DETAIL])
    return lead


def lead_search(
    *, user, passport_number: str = "", contact_number: str = "", cnic: str = "", rows: QuerySet[Lead] | None = None
) -> QuerySet[Lead]:
    """Leads in scope matching every given (already normalised) identity value exactly.

    `rows`: the scoped leads to search (default `lead_list(user=user)`), e.g. the API's rows with money.
    """
    criteria = {
        "passport_number": passport_number,
        "contact_number": contact_number,
        "cnic": cnic,
    }
    given = {field: value for field, value in criteria.items() if value}
    if not given:
        return Lead.objects.none()
    return (lead_list(user=user) if rows is None else rows).filter(**given)


def lead_followups(*, lead: Lead) -> QuerySet[FollowUpHistory]:
    """The lead's follow-up history, newest first."""
    return FollowUpHistory.objects.filter(lead=lead).order_by("-followup_at", "-id")


def lead_loan_commitments(*, lead: Lead) -> QuerySet[LoanCommitment]:
    """The lead's loan commitments, newest first."""
    return LoanCommitment.objects.filter(lead=lead).order_by("-created_at", "-id")


def loan_commitments_visible(*, user) -> QuerySet[LoanCommitment]:
    """Commitments on leads `user` may see (the scope of the loan-promise endpoints)."""
    return LoanCommitment.objects.visible_to(user).select_related("lead")


def users_assignable_by(*, user) -> QuerySet:
    """Active users `user` may assign a lead to: members of a branch `user` sees, or staff.

    Staff and superusers may pick any active user.
    """
    users = get_user_model().objects.filter(is_active=True)
    if user_sees_everything(user):
        return users
    branch_ids = visible_branch_ids(user)
    return users.filter(
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(memberships__branch_id__in=branch_ids)
        | Q(memberships__role=MembershipRole.ORG_ADMIN, memberships__organization__branches__id__in=branch_ids)
    ).distinct()


def lost_reasons_visible(*, user) -> QuerySet[LostReason]:
    """The lost-reason catalogues of the organizations `user` belongs to, by organization then id."""
    return LostReason.objects.of_organizations_of(user).order_by("organization_id", "id")


def leads_missed_before(*, day: date, user, rows: QuerySet[Lead] | None = None) -> QuerySet[Lead]:
    """Open leads in `user`'s scope whose next follow-up day passed before `day` without a new one set: missed.

    `rows`: the scoped leads to look in (default every lead `user` may see), e.g. the API's rows with money.
    """
    leads = Lead.objects.visible_to(user) if rows is None else rows
    return leads.open().filter(next_followup_date__lt=day)


def branch_assignees(*, branch) -> QuerySet:
    """The active members a lead of `branch` may be assigned to: its branch users and its organization's admins.

    The members `check_assignee_reaches_branch` accepts, by username. Staff and superusers, who may be
    assigned too, are left out of the list: they are the service's operators, not a branch's team, and a
    branch has no business learning their names.
    """
    return (
        get_user_model().objects.filter(is_active=True)
        .filter(
            Q(memberships__branch_id=branch.pk)
            | Q(memberships__role=MembershipRole.ORG_ADMIN, memberships__organization_id=branch.organization_id)
        )
        .distinct()
        .order_by("username", "id")
    )


def branch_members(*, branch) -> QuerySet:
    """The branch's members (branch users and managers of active accounts), with their user, by username."""
    from organizations.models import BRANCH_ROLES, Membership

    return (
        Membership.objects.filter(branch=branch, role__in=BRANCH_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user__username", "user_id")
    )


def branch_team(*, branch, now=None) -> QuerySet:
    """The branch's members, each with counts of their open leads of the branch: `open_leads`, `due_today`
    (next follow-up today), `missed` (next follow-up before today), `sla_breached` (the first-contact SLA
    missed, `Lead.objects.sla_breached`) and `assigned_today` (what their daily cap counts).

    One query: the members joined to their open leads of the branch, counted with filters.
    """
    from django.db.models import Count, FilteredRelation

    from leads.business_hours import business_day_bounds
    from leads.models import FINAL_LEAD_STATUSES

    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = business_day_bounds(today, today)
    breached = Lead.objects.unscoped().sla_breached(now=now).filter(branch=branch).values("pk")
    return (
        branch_members(branch=branch)
        .annotate(
            lead=FilteredRelation(
                "user__assigned_leads",
                condition=Q(user__assigned_leads__branch=branch)
                & ~Q(user__assigned_leads__lead_status__in=FINAL_LEAD_STATUSES),
            )
        )
        .annotate(
            open_leads=Count("lead"),
            due_today=Count("lead", filter=Q(lead__next_followup_date=today)),
            missed=Count("lead", filter=Q(lead__next_followup_date__lt=today)),
            sla_breached=Count("lead", filter=Q(lead__in=breached)),
            assigned_today=Count("lead", filter=Q(lead__assigned_at__gte=start, lead__assigned_at__lt=end)),
        )
    )
