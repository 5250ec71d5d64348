"""Scope by construction: the one place that turns "this user" into "these rows".

Every scoped model's queryset derives from `ScopedQuerySet` and names, in `branch_path`, the
lookup from its rows to the branch id that decides who may act on them. `visible_to(user)` is
written here once, with the staff rule: staff and superusers see every row, a member the rows of
the branches their memberships reach (`visible_branch_ids`), anyone else nothing. Views, related
fields, the admin, selectors, reminders and the booking list all start from it.

Jobs that must see every tenant (the nightly overdue mark, the booking backfill) say so with
`unscoped()`, which is only a name on `all()`, so a missing user never silently widens a read.
"""

from django.db import models


def user_sees_everything(user) -> bool:
    """Staff and superusers act on every branch of every organization."""
    return bool(user and user.is_authenticated and (user.is_superuser or user.is_staff))


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a branch reached through `branch_path` (e.g. `lead__branch_id`)."""

    branch_path: str = "branch_id"

    def visible_to(self, user):
        """The rows `user` may act on: all for staff, their branches' for members, none for anyone else."""
        if user_sees_everything(user):
            return self.all()
        from organizations.models import visible_branch_ids  # the models module defines this queryset's users

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
