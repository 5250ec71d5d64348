from datetime import time

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.scoping import (  # noqa: F401  (re-exported: callers import them from here)
    ScopedQuerySet,
    remember_visible_branch_ids,
    user_sees_everything,
    visible_branch_ids,
)


class MembershipRole(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organization admin")
    BRANCH_USER = "branch_user", _("Branch user")
    # A branch user of their branch who also assigns its leads, sets its assignment rule and adds or
    # deactivates its branch users (the contract's "Who may do what").
    BRANCH_MANAGER = "branch_manager", _("Branch manager")


# The roles held on one branch (the membership names a branch); an org admin's names none.
BRANCH_ROLES = (MembershipRole.BRANCH_USER, MembershipRole.BRANCH_MANAGER)


DEFAULT_FIRST_CONTACT_HOURS = 4
MAX_FIRST_CONTACT_HOURS = 240  # 30 working days of 8 hours: beyond it a "first contact SLA" means nothing
ALL_WEEKDAYS = 0b1111111
# Monday to Saturday: Pakistani travel agencies commonly open six days and close on Sunday.
DEFAULT_WORKING_DAYS = 0b0111111


def weekdays_of(mask: int) -> frozenset[int]:
    """The weekdays (Monday 0 … Sunday 6) a `working_days` bit mask names."""
    return frozenset(day for day in range(7) if mask & (1 << day))


def mask_of(weekdays) -> int:
    """The `working_days` bit mask of some weekdays (Monday 0 … Sunday 6)."""
    return sum(1 << day for day in set(weekdays))


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    # ISO 4217 code of the organization's money (loan book amounts, reports); a database default too, so
    # rows written by code that predates the column (old migrations, raw SQL) still get one.
    currency = models.CharField(_("currency"), max_length=3, default="PKR", db_default="PKR")
    # Working time (organizations/working_time.py, docs/sla.md): a new lead's first contact is due
    # `first_contact_hours` of it after the lead came in. Database defaults too, like `currency`.
    first_contact_hours = models.PositiveSmallIntegerField(
        _("first contact within (business hours)"), default=DEFAULT_FIRST_CONTACT_HOURS,
        db_default=DEFAULT_FIRST_CONTACT_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_FIRST_CONTACT_HOURS)],
        help_text=_("A new lead's first contact is due this many working hours after it came in."),
    )
    # Bit n set: weekday n (Monday 0 … Sunday 6) is a working day.
    working_days = models.PositiveSmallIntegerField(
        _("working days"), default=DEFAULT_WORKING_DAYS, db_default=DEFAULT_WORKING_DAYS
    )
    opens_at = models.TimeField(_("opens at"), default=time(9, 0), db_default=time(9, 0))
    closes_at = models.TimeField(_("closes at"), default=time(18, 0), db_default=time(18, 0))
    holiday_country = models.CharField(
        _("public holidays of"), max_length=2, blank=True, default="PK", db_default="PK",
        help_text=_("The country whose public holidays are days off (ISO code, e.g. PK); empty: none."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_contact_hours__gte=1, first_contact_hours__lte=MAX_FIRST_CONTACT_HOURS),
                name="organization_first_contact_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(working_days__gte=1, working_days__lte=ALL_WEEKDAYS),
                name="organization_working_days_range",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="organization_closes_after_opening"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def working_weekdays(self) -> frozenset[int]:
        return weekdays_of(self.working_days)

    def clean(self):
        from organizations.business_time import supported_countries

        if self.holiday_country and self.holiday_country not in supported_countries():
            raise ValidationError({"holiday_country": [f"No public holiday calendar for {self.holiday_country!r}."]})
        if self.opens_at is not None and self.closes_at is not None and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": ["Closes after it opens (no shift past midnight)."]})
        if not 0 < (self.working_days or 0) <= ALL_WEEKDAYS:
            raise ValidationError({"working_days": ["Choose at least one working day."]})


class OrganizationHoliday(models.Model):
    """One day an organization treats differently from its calendar: `closed` a day off besides the
    public holidays (a local holiday, Eid on the day it was really sighted), or not `closed` a day it
    works although the calendar or the weekday says otherwise (a public holiday estimated on the
    wrong day, a busy Sunday before Hajj)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="holiday_overrides", verbose_name=_("organization")
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True, default="")
    closed = models.BooleanField(
        _("closed"), default=True, help_text=_("Closed that day; untick for a day worked although it is a holiday.")
    )

    class Meta:
        verbose_name = _("holiday or working day")
        verbose_name_plural = _("holidays and working days")
        ordering = ["organization_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "date"], name="organization_holiday_unique_date"),
        ]

    def __str__(self):
        state = _("closed") if self.closed else _("open")
        return f"{self.date}: {self.name or state}"


class OrganizationFollowsBranch(models.Model):
    """A row of a branch whose `organization` is always the branch's: set on every save, never by a client.

    The one place that rule lives; Lead, Booking and Membership (when it names a branch) derive from it.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.branch_id is not None:
            self.organization_id = self.branch.organization_id
        super().save(*args, **kwargs)


class BranchQuerySet(ScopedQuerySet):
    """`visible_to(user)`: the branches `user` may act on."""

    branch_path = "id"


class Branch(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="branches", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=20)
    city = models.CharField(_("city"), max_length=100, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["organization_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="branch_unique_code_per_org"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Membership(OrganizationFollowsBranch):
    """A user's role: org admin of an organization, or branch user (or manager) of one of its branches.

    `available` and `daily_cap` are what the branch's assignment rule reads: a member on leave gets no
    new leads, and one with a cap gets at most that many a business day.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="memberships", null=True, blank=True, verbose_name=_("branch")
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    available = models.BooleanField(
        _("available"), default=True, db_default=True,
        help_text=_("Off while the member is on leave: the assignment rules give them no new leads."),
    )
    daily_cap = models.PositiveIntegerField(
        _("daily cap"), null=True, blank=True,
        help_text=_("The most leads the assignment rules give this member in one business day; empty: no cap."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user_id", "organization_id", "branch_id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role=MembershipRole.ORG_ADMIN, branch__isnull=True))
                | (Q(role__in=BRANCH_ROLES, branch__isnull=False)),
                name="membership_role_matches_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(branch__isnull=True),
                name="membership_unique_org_admin",
            ),
            models.CheckConstraint(
                condition=Q(daily_cap__isnull=True) | Q(daily_cap__gt=0), name="membership_daily_cap_positive"
            ),
            models.UniqueConstraint(
                fields=["user", "branch"],
                condition=Q(branch__isnull=False),
                name="membership_unique_branch_user",
            ),
        ]

    def __str__(self):
        scope = self.branch or self.organization
        return f"{self.user} – {self.get_role_display()} of {scope}"

    def reaches(self, branch) -> bool:
        """Whether this one membership reaches `branch`, judged in memory on rows already loaded.

        Not "does this user reach this branch" (that is `organizations.scoping.reaches_branch`, one
        answer over all of a user's memberships, staff included): it is the per-membership step of it,
        which `visible_branch_ids` applies in SQL, for a job that has loaded the memberships of many users
        at once (the reminder digest) and must not query once per user.
        """
        if self.branch_id is not None:
            return self.branch_id == branch.pk
        return self.organization_id == branch.organization_id



def has_any_membership(user) -> bool:
    """True when the user may use the branch endpoints at all (staff, or any membership)."""
    return user_sees_everything(user) or bool(visible_branch_ids(user)) or (
        user is not None and user.is_authenticated and Membership.objects.filter(user=user).exists()
    )


class UserPreferences(models.Model):
    """What a user chose for themselves: the language of the emails sent to them (the reminder digest).

    Set, with the `django_language` cookie, by the one language switch of the admin and the desk
    (`organizations.languages.set_language`); a user who never chose has no row and reads English.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="preferences",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("user preferences")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return f"{self.user_id}: {self.language}"


class UserSession(AbstractBaseSession):
    """Django's database session with the signed-in user's id beside it (`organizations.sessions`).

    Django's own example of extending the database session engine: with the user's id on the row,
    signing a user out everywhere (`POST /api/auth/logoutall/`) deletes their sessions in one
    statement, at no cost to any request.
    """

    user_id = models.BigIntegerField(null=True, db_index=True)

    class Meta(AbstractBaseSession.Meta):
        db_table = "organizations_session"

    @classmethod
    def get_session_store_class(cls):
        from organizations.sessions import SessionStore

        return SessionStore
