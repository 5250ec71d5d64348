"""Scope by construction: the one place that turns "this user" into "these rows".

Every scoped model's queryset derives from `ScopedQuerySet` and names, in `branch_path`, the
lookup from its rows to the branch id that decides who may act on them. `visible_to(user)` is
written here once, with the staff rule: staff and superusers see every row, a member the rows of
the branches their memberships reach (`visible_branch_ids`), anyone else nothing. Views, related
fields, the admin, selectors, reminders and the booking list all start from it.

Jobs that must see every tenant (the nightly overdue mark, the booking backfill) say so with
`unscoped()`, which is only a name on `all()`, so a missing user never silently widens a read.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

NOT_YOUR_BRANCH = "Not one of your branches."
# What DRF's related fields answer for a missing pk: a body naming an out-of-scope row gets the same words.
NOT_IN_SCOPE = "Invalid pk \"{pk}\" - object does not exist."


def user_sees_everything(user) -> bool:
    """Staff and superusers act on every branch of every organization."""
    return bool(user and user.is_authenticated and (user.is_superuser or user.is_staff))


def visible_branch_ids(user) -> list[int]:
    """Ids of the branches `user`'s memberships reach, memoised on the user for one request.

    This is the single answer to "which branches may this user act on"; every queryset's
    `visible_to(user)` is built on it. Staff and superusers are handled by the callers
    (they see every row, which needs no id list).
    """
    return _reached_branch_ids(user, cache_attribute="_visible_branch_ids")


def _reached_branch_ids(user, *, cache_attribute: str, roles=None) -> list[int]:
    """The branches `user`'s memberships (of `roles`, default every role) reach, memoised on the user.

    One query rooted at the user's memberships, each with its organization's branches (a LEFT JOIN): a
    branch membership reaches its branch, an org admin's (no branch, by the membership_role_matches_scope
    constraint) every branch of the organization. The model is looked up in the app registry:
    organizations.models builds its querysets on this module.
    """
    if not (user and user.is_authenticated):
        return []
    cached = getattr(user, cache_attribute, None)
    if cached is None:
        memberships = apps.get_model("organizations", "Membership").objects.filter(user=user)
        if roles is not None:
            memberships = memberships.filter(role__in=roles)
        rows = memberships.order_by().values_list("branch_id", "organization__branches__id")
        ids = {branch_id if branch_id is not None else org_branch_id for branch_id, org_branch_id in rows}
        ids.discard(None)
        cached = sorted(ids)
        setattr(user, cache_attribute, cached)
    return cached


def reaches_branch(user, branch) -> bool:
    """True when `user` may act on `branch`: the one answer to "does this user reach this branch".

    `branch` is a `Branch` or a branch id (a filter's `branch_id`). Staff and superusers reach every
    existing branch (a bare id is looked up: one query); a member the branches their memberships reach
    (`visible_branch_ids`, memoised per request: no query once a scoped read ran); anyone else none.
    An id naming no branch, or an unsaved branch, is reached by nobody.
    """
    branch_id = branch.pk if isinstance(branch, models.Model) else branch
    if branch_id is None:
        return False
    if user_sees_everything(user):
        return isinstance(branch, models.Model) or apps.get_model("organizations", "Branch").objects.filter(
            pk=branch_id
        ).exists()
    return branch_id in visible_branch_ids(user)


def managed_branch_ids(user) -> list[int]:
    """Ids of the branches `user` manages: every branch of the organizations they are org admin of, and the
    branches they are branch manager of (memoised per request). Staff and superusers are handled by the
    callers, as for `visible_branch_ids`."""
    return _reached_branch_ids(user, cache_attribute="_managed_branch_ids", roles=("org_admin", "branch_manager"))


def manages_branch(user, branch) -> bool:
    """True when `user` may manage `branch` (assign its leads, set its rule, add or deactivate its branch
    users): staff and superusers, an org admin of its organization, or a branch manager of it."""
    branch_id = branch.pk if isinstance(branch, models.Model) else branch
    if branch_id is None:
        return False
    if user_sees_everything(user):
        return reaches_branch(user, branch)
    return branch_id in managed_branch_ids(user)


def check_reaches_branch(user, branch, *, field: str = "branch_id") -> None:
    """A branch `user` names (a report's `branch_id` filter) must be one they reach (`reaches_branch`):
    else a ValidationError on `field` (a 400 in the API, an error on the page)."""
    if not reaches_branch(user, branch):
        raise ValidationError({field: [NOT_YOUR_BRANCH]})


def check_branch_in_scope(*, actor, branch, field: str = "branch") -> None:
    """A branch the actor names in a write (a lead's, an import's, a booking's) must be one they reach:
    else a ValidationError on `field`, in the words of a missing pk. `actor=None` (a system job) may
    name any."""
    if actor is not None and not reaches_branch(actor, branch):
        raise ValidationError({field: [NOT_IN_SCOPE.format(pk=branch.pk)]})


def remember_visible_branch_ids(user, ids) -> None:
    """Set the answer of `visible_branch_ids(user)` for this request (the token cache's hit)."""
    user._visible_branch_ids = sorted(ids)


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a branch reached through `branch_path` (e.g. `lead__branch_id`)."""

    branch_path: str = "branch_id"

    def visible_to(self, user):
        """The rows `user` may act on: all for staff, their branches' for members, none for anyone else."""
        if user_sees_everything(user):
            return self.all()
        return self.filter(**{f"{self.branch_path}__in": visible_branch_ids(user)})

    def unscoped(self):
        """Every tenant's rows, for system jobs only; named so a reader sees the scope was dropped on purpose."""
        return self.all()

    def lock_visible_to(self, user, pk):
        """The row `pk` locked (`SELECT … FOR UPDATE`) through `user`'s scope, or None when it is outside it.

        The lock is taken before the scope is judged by the caller's rules: a row moved out of scope by a
        concurrent transaction is re-read after that transaction commits and is then simply not found.
        `user=None` is a system job and locks through every tenant.
        """
        rows = self.unscoped() if user is None else self.visible_to(user)
        return rows.select_for_update(of=("self",)).filter(pk=pk).first()
