from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Branch, Organization, OrganizationFollowsBranch
from organizations.scoping import ScopedQuerySet, user_sees_everything


class LeadSource(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")
    REFERRAL = "referral", _("Referral")
    SOCIAL_MEDIA = "social_media", _("Social media")
    WEBSITE = "website", _("Website")
    BOOKING = "booking", _("Booking")
    OTHER = "other", _("Other")
    WEB_FORM = "web_form", _("Web form")
    META_ADS = "meta_ads", _("Meta ads")
    WHATSAPP = "whatsapp", _("WhatsApp")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    INTERESTED = "interested", _("Interested")
    CONVERTED = "converted", _("Converted")
    LOST = "lost", _("Lost")


FINAL_LEAD_STATUSES = (LeadStatus.CONVERTED, LeadStatus.LOST)
# What a new lead may start as: converted and lost are set by their own endpoints.
OPEN_LEAD_STATUS_CHOICES = [(status.value, status.label) for status in LeadStatus if status not in FINAL_LEAD_STATUSES]


class ContactMethod(models.TextChoices):
    CALL = "call", _("Call")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other")


class FollowUpOutcome(models.TextChoices):
    """How an attempt to reach the customer went: only `answered` (or a visit) is a contact."""

    ANSWERED = "answered", _("Answered")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    UNREACHABLE = "unreachable", _("Unreachable")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class MessagingConsent(models.TextChoices):
    """Whether the customer agreed to hear from us on WhatsApp/SMS: nothing is sent without `opted_in`."""

    UNKNOWN = "unknown", _("Unknown")
    OPTED_IN = "opted_in", _("Opted in")
    OPTED_OUT = "opted_out", _("Opted out")


class ConsentVia(models.TextChoices):
    """How the customer's messaging consent was given or withdrawn."""

    INTAKE_FORM = "intake_form", _("Intake form")
    STAFF = "staff", _("Staff, on a call or a visit")
    INBOUND_MESSAGE = "inbound_message", _("Inbound message")
    IMPORT = "import", _("Import")
    OTHER = "other", _("Other")


class CustomerLanguage(models.TextChoices):
    """The language the customer is written to in (the messaging templates' language)."""

    ENGLISH = "en", _("English")
    URDU = "ur", _("Urdu")


class LoanStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    OVERDUE = "overdue", _("Overdue")
    CLEARED = "cleared", _("Cleared")
    CANCELLED = "cancelled", _("Cancelled")
    RESCHEDULED = "rescheduled", _("Rescheduled")


OPEN_LOAN_STATUSES = (LoanStatus.PENDING, LoanStatus.OVERDUE)


# The lost-reason catalogue every organization starts with (org admins add their own in the admin).
LOST_REASON_OTHER = "other"
SEEDED_LOST_REASONS = {
    "price": "Price",
    "dates": "Travel dates",
    "visa": "Visa",
    "other_agent": "Went with another agent",
    "no_response": "No response",
    LOST_REASON_OTHER: "Other",
}


class LostReasonQuerySet(models.QuerySet):
    # Scoped by organization, not by branch, so not a ScopedQuerySet (whose `visible_to` follows a
    # branch path): a catalogue belongs to the whole organization, read by its every member.

    def of_organizations_of(self, user):
        """Reasons of the organizations `user` belongs to (as org admin or branch user); all for staff."""
        if user_sees_everything(user):
            return self
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(organization__memberships__user=user).distinct()


class LostReason(models.Model):
    """One entry of an organization's lost-reason catalogue; leads lost for it point here."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="lost_reasons", verbose_name=_("organization")
    )
    code = models.SlugField(_("code"), max_length=50, help_text=_("Short stable name used by the API, e.g. price."))
    label = models.CharField(_("label"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = LostReasonQuerySet.as_manager()

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["organization_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="lost_reason_unique_code_per_org"),
            models.CheckConstraint(condition=~Q(code=""), name="lost_reason_code_not_empty"),
            models.CheckConstraint(condition=~Q(label=""), name="lost_reason_label_not_empty"),
        ]

    def __str__(self):
        return f"{self.label} ({self.code})"
class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CHEQUE = "cheque", _("Cheque")
    CARD = "card", _("Card")
    MOBILE_WALLET = "mobile_wallet", _("Mobile wallet")
    OTHER = "other", _("Other")


class LeadQuerySet(ScopedQuerySet):
    """`visible_to(user)`: leads of the branches `user` may act on; everything else is a 404."""

    branch_path = "branch_id"

    def open(self):
        return self.exclude(lead_status__in=FINAL_LEAD_STATUSES)

    def holding_passport(self, *, organization_id, passport_number):
        """The organization's lead holding this passport (at most one); an empty passport matches none.

        Values or `OuterRef`s: the booking automation and the booking list decide "the customer's lead" with it.
        """
        return self.filter(organization_id=organization_id, passport_number=passport_number).exclude(passport_number="")

    def customer_lead_id_of_booking(self):
        """For an outer `Booking`: the id of its customer's lead among these rows, else None.

        The lead linking the booking, else the organization's lead holding its passport (a returning
        customer's lead links their latest booking; their earlier bookings still name it). Call it on a
        scoped queryset so a lead the caller cannot open is never named.
        """
        linked = self.filter(booking_id=OuterRef("pk")).order_by("id").values("id")[:1]
        same_passport = self.holding_passport(
            organization_id=OuterRef("organization_id"), passport_number=OuterRef("passport_number")
        ).values("id")[:1]
        return Coalesce(Subquery(linked), Subquery(same_passport))

    # The report's definitions, shared by the summary and the list filters so their numbers agree.

    def stale(self, *, now=None):
        """Open leads with no contact for STALE_AFTER or more (never contacted: since they were created)."""
        return self.open().filter(stale_condition(now=now))

    def lost_for(self, code: str):
        """Lost leads whose catalogue code is `code`; a lost lead without one counts as `other`."""
        condition = Q(lost_reason_category__code=code)
        if code == LOST_REASON_OTHER:
            condition |= Q(lost_reason_category__isnull=True)
        return self.filter(condition, lead_status=LeadStatus.LOST)

    def sla_breached(self, *, now=None):
        """Leads that missed their first-contact SLA (`sla_breached_condition`). Leads without a due time
        (no SLA) never count."""
        return self.filter(sla_breached_condition(now=now or timezone.now()))

    def sla_met(self):
        """Leads first contacted on or before their `first_contact_due_at`."""
        return self.filter(sla_met_condition())

    def sla_escalation_due(self, *, now=None):
        """Open leads still waiting for their first contact past the due time and not yet escalated: what
        `escalate_sla_breaches` claims (lead_sla_escalation_idx, migration 0015, holds exactly these)."""
        return self.filter(sla_escalation_condition(now=now or timezone.now()))

    def never_contacted(self):
        """Leads without any recorded follow-up (no first contact yet)."""
        return self.filter(last_contacted_at__isnull=True)


STALE_AFTER = timedelta(days=7)


def stale_condition(*, now=None) -> Q:
    """No contact since `now - STALE_AFTER` (the creation time stands in for a lead never contacted)."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return Q(last_contacted_at__lte=cutoff) | Q(last_contacted_at__isnull=True, created_at__lte=cutoff)


def sla_met_condition() -> Q:
    """The first contact came on or before the due time."""
    return Q(first_contact_due_at__isnull=False, first_contacted_at__lte=F("first_contact_due_at"))


def sla_breached_condition(*, now) -> Q:
    """The first contact came after the due time, or has not come, the due time has passed and the lead was
    still open then. A lead converted or lost by its due time without a contact neither met nor breached
    its SLA: nobody was left waiting (a walk-in who booked at once, a spam enquiry marked lost)."""
    due = F("first_contact_due_at")
    return Q(first_contacted_at__gt=due) | (
        Q(first_contacted_at__isnull=True, first_contact_due_at__lt=now)
        & ~Q(converted_at__lte=due)
        & ~Q(lost_at__lte=due)
    )


def sla_breached_values(*, due, first_contacted_at, converted_at, lost_at, now) -> bool:
    """`sla_breached_condition` judged on a row's values in Python (rows, exports)."""
    if due is None:
        return False
    if first_contacted_at is not None:
        return first_contacted_at > due
    if due >= now:
        return False
    return not any(closed is not None and closed <= due for closed in (converted_at, lost_at))


def sla_escalation_condition(*, now) -> Q:
    """Open, never contacted, due before `now`, not escalated yet (a subset of the breached)."""
    return (
        Q(sla_escalated_at__isnull=True, first_contacted_at__isnull=True, first_contact_due_at__lt=now)
        & ~Q(lead_status__in=FINAL_LEAD_STATUSES)
    )


class Lead(OrganizationFollowsBranch):
    customer_name = models.CharField(_("customer name"), max_length=200)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True, default="")
    contact_number = models.CharField(_("contact number"), max_length=20)
    cnic = models.CharField(_("CNIC"), max_length=15, blank=True, default="")
    address = models.TextField(_("address"), blank=True, default="")
    area = models.CharField(_("area"), max_length=100, blank=True, default="")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="leads", verbose_name=_("branch"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="leads", editable=False, verbose_name=_("organization")
    )
    lead_source = models.CharField(
        _("lead source"), max_length=20, choices=LeadSource.choices, default=LeadSource.WALK_IN
    )
    lead_status = models.CharField(_("lead status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    next_followup_date = models.DateField(_("next followup date"), null=True, blank=True)
    last_contacted_at = models.DateTimeField(_("last contacted at"), null=True, blank=True, editable=False)
    # The earliest follow-up's time (set by `followup_record`), for the summary's time to first contact.
    first_contacted_at = models.DateTimeField(_("first contacted at"), null=True, blank=True, editable=False)
    # The earliest open promise's date (None: no open commitment), kept by the loan services
    # (`refresh_next_promise_date`) for the list's overdue-promise filter without a semi-join.
    next_promise_date = models.DateField(_("next promise date"), null=True, blank=True, editable=False)
    booking = models.ForeignKey(
        "booking.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="leads",
        verbose_name=_("booking")
    )
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True, editable=False)
    lost_reason = models.TextField(_("lost reason"), blank=True, default="")
    # The catalogue entry a lost lead was lost for (set by `lead_mark_lost`); the free text above
    # says more. A lost lead without one (lost before the catalogue, or written around the service)
    # counts as `other`: see `lost_reason_code`.
    lost_reason_category = models.ForeignKey(
        "leads.LostReason", on_delete=models.PROTECT, null=True, blank=True, related_name="leads", editable=False,
        verbose_name=_("lost reason category")
    )
    lost_at = models.DateTimeField(_("lost at"), null=True, blank=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_leads",
        verbose_name=_("assigned to")
    )
    # When `assigned_to` was last set (by a person or the branch's assignment rule); daily caps count these.
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    remarks = models.TextField(_("remarks"), blank=True, default="")
    # Where an enquiry came from, beyond `lead_source`: Meta's leadgen, form, ad and campaign ids for a
    # Lead Ads lead, and a web form's UTM tags.
    # (Database defaults too, as for every column added since: bulk loads naming their columns, like the
    # benchmark's seed, write rows without them.)
    attribution = models.JSONField(
        _("attribution"), default=dict, blank=True, db_default=models.Value({}, output_field=models.JSONField())
    )
    utm_source = models.CharField(_("UTM source"), max_length=100, blank=True, default="", db_default="")
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True, default="", db_default="")
    # The first-contact SLA: when the first contact is due (business time from creation, set by the
    # services), and when the breach was escalated to the branch's managers (once, by the cron job).
    first_contact_due_at = models.DateTimeField(_("first contact due at"), null=True, blank=True, editable=False)
    sla_escalated_at = models.DateTimeField(_("SLA escalated at"), null=True, blank=True, editable=False)
    # Customer messages (WhatsApp/SMS): nothing is sent without `opted_in`; when and how it was given.
    messaging_consent = models.CharField(
        _("messaging consent"), max_length=12, choices=MessagingConsent.choices, default=MessagingConsent.UNKNOWN,
        db_default=MessagingConsent.UNKNOWN,
    )
    messaging_consent_at = models.DateTimeField(_("messaging consent at"), null=True, blank=True)
    messaging_consent_via = models.CharField(
        _("messaging consent via"), max_length=20, choices=ConsentVia.choices, blank=True, default="", db_default=""
    )
    language = models.CharField(
        _("language"), max_length=2, choices=CustomerLanguage.choices, default=CustomerLanguage.ENGLISH,
        db_default=CustomerLanguage.ENGLISH,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = LeadQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "next_promise_date"])

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "passport_number"],
                condition=~Q(passport_number=""),
                name="lead_unique_passport_per_org",
            ),
            models.CheckConstraint(condition=Q(lead_status__in=LeadStatus.values), name="lead_status_valid"),
            models.CheckConstraint(condition=Q(lead_source__in=LeadSource.values), name="lead_source_valid"),
            models.CheckConstraint(condition=~Q(customer_name=""), name="lead_customer_name_not_empty"),
            models.CheckConstraint(condition=~Q(contact_number=""), name="lead_contact_number_not_empty"),
            models.CheckConstraint(
                condition=Q(messaging_consent__in=MessagingConsent.values), name="lead_messaging_consent_valid"
            ),
            models.CheckConstraint(condition=Q(language__in=CustomerLanguage.values), name="lead_language_valid"),
        ]
        indexes = [
            # Search by number in any scope (staff: no branch filter) and the booking → lead match
            # (organization + number); the passport and CNIC searches likewise lead with the value.
            models.Index(fields=["contact_number", "organization"], name="lead_contact_org_idx"),
            models.Index(fields=["passport_number"], name="lead_passport_idx"),
            models.Index(fields=["cnic"], name="lead_cnic_idx"),
            models.Index(fields=["branch", "lead_status", "-created_at"], name="lead_branch_status_idx"),
            models.Index(fields=["branch", "next_followup_date"], name="lead_branch_followup_idx"),
            models.Index(fields=["branch", "-created_at"], name="lead_branch_created_idx"),
            # The assignment rules' counts: a member's leads of a branch assigned today (daily caps), their
            # open leads there (least_open), and the team view's per-member counts.
            models.Index(fields=["assigned_to", "branch", "assigned_at"], name="lead_assignee_branch_idx"),
            # The list's `has_overdue_promise` filter (and its page count) over a branch.
            models.Index(
                fields=["branch", "next_promise_date"],
                condition=Q(next_promise_date__isnull=False),
                name="lead_branch_promise_idx",
            ),
            # The summary report's cohort (a branch's leads created in a period) read from the index
            # alone on PostgreSQL: every column it groups or filters on is included. SQLite, without
            # covering indexes, skips it (lead_branch_created_idx serves the same range there).
            models.Index(
                fields=["branch", "created_at"],
                include=[
                    "id", "lead_status", "lead_source", "lost_reason_category", "last_contacted_at",
                    "first_contacted_at", "first_contact_due_at", "converted_at", "lost_at",
                ],
                name="lead_report_cohort_idx",
            ),
            # `escalate_sla_breaches`'s claim (`sla_escalation_condition`): only the open leads with a due
            # time still waiting for their first contact and not yet escalated, so the job reads a few
            # index entries however big the book is; a lead leaves the index once contacted, closed or told.
            models.Index(
                fields=["first_contact_due_at"],
                condition=Q(sla_escalated_at__isnull=True, first_contacted_at__isnull=True,
                            first_contact_due_at__isnull=False) & ~Q(lead_status__in=FINAL_LEAD_STATUSES),
                name="lead_sla_escalation_idx",
            ),
            # Also `lead_due_open_idx` (migration 0003, raw SQL): today's follow-ups of a branch in the
            # list's order (last contact, never-contacted first; then id), open leads only. Django
            # cannot declare it portably: SQLite refuses NULLS FIRST in an index, PostgreSQL needs it.
        ]

    def __str__(self):
        return f"{self.customer_name} ({self.get_lead_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.lead_status not in FINAL_LEAD_STATUSES

    @property
    def sla_breached(self) -> bool:
        """Whether the lead missed its first-contact SLA, as of now."""
        return self.is_sla_breached()

    def is_sla_breached(self, now=None) -> bool:
        """`sla_breached_condition` judged on this row (the list and detail show it without a query)."""
        return sla_breached_values(
            due=self.first_contact_due_at, first_contacted_at=self.first_contacted_at,
            converted_at=self.converted_at, lost_at=self.lost_at, now=now or timezone.now(),
        )

    @property
    def lost_reason_code(self) -> str | None:
        """The catalogue code a lost lead was lost for (`other` when it has none); None while not lost."""
        if self.lead_status != LeadStatus.LOST:
            return None
        category = self.lost_reason_category
        return category.code if category is not None else LOST_REASON_OTHER

    def save(self, *args, **kwargs):
        # The organization follows the branch (the base class); identity values arrive normalised by the
        # services (`lead_check_fields`), the one place that normalises a lead's identity.
        if not self._state.adding and kwargs.get("update_fields") is None:
            # `next_promise_date` is written only by the loan services (in SQL): a full save of a copy
            # read earlier (an update, a merge, an admin form) must not put an old date back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "next_promise_date"
            ]
        moving = not self._state.adding and _saves_field(kwargs, "branch")
        super().save(*args, **kwargs)
        if moving:
            # A lead's commitments carry its branch (for scoping without a join): they move with it.
            self.loan_commitments.exclude(branch_id=self.branch_id).update(branch_id=self.branch_id)


def _saves_field(save_kwargs: dict, name: str) -> bool:
    update_fields = save_kwargs.get("update_fields")
    return update_fields is None or name in update_fields


class FollowUpHistoryQuerySet(ScopedQuerySet):
    """`visible_to(user)`: follow-ups of leads `user` may see."""

    branch_path = "lead__branch_id"


class FollowUpHistory(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="followups", verbose_name=_("lead"))
    followup_at = models.DateTimeField(_("followup at"), default=timezone.now)
    contact_method = models.CharField(
        _("contact method"), max_length=20, choices=ContactMethod.choices, default=ContactMethod.CALL
    )
    # A database default too: rows written around the model (bulk loads naming their columns) are answered calls.
    outcome = models.CharField(_("outcome"), 
        max_length=20, choices=FollowUpOutcome.choices, default=FollowUpOutcome.ANSWERED, db_default=FollowUpOutcome.ANSWERED
    )
    remarks = models.TextField(_("remarks"))
    next_followup_date = models.DateField(_("next followup date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FollowUpHistoryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-followup_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_method__in=ContactMethod.values), name="followup_contact_method_valid"
            ),
            models.CheckConstraint(condition=~Q(remarks=""), name="followup_remarks_not_empty"),
            models.CheckConstraint(condition=Q(outcome__in=FollowUpOutcome.values), name="followup_outcome_valid"),
        ]
        indexes = [
            models.Index(fields=["lead", "-followup_at"], name="followup_lead_at_idx"),
            # Follow-ups scheduling a day (the summary's follow-ups due, for days not yet rolled up),
            # read from the index alone on PostgreSQL (SQLite, without covering indexes, skips it).
            models.Index(fields=["next_followup_date"], include=["lead", "followup_at"], name="followup_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_contact_method_display()} with {self.lead.customer_name} at {self.followup_at:%Y-%m-%d %H:%M}"


class LoanCommitmentQuerySet(ScopedQuerySet):
    """`visible_to(user)`: commitments of the branches `user` may act on (their own copy of the lead's branch)."""

    branch_path = "branch_id"

    def open(self):
        return self.filter(status__in=OPEN_LOAN_STATUSES)


class LoanCommitment(models.Model):
    # Foreign keys without their own index (db_index=False): every index is rewritten when the nightly
    # job flips 100,000 statuses. `lead` is served by loan_lead_created_idx, `branch` by the overdue
    # index; bookings, users and branches are practically never deleted (a rare scan is fine).
    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, related_name="loan_commitments", db_index=False, verbose_name=_("lead")
    )
    # The lead's branch, copied on save and moved with the lead: the overdue list of a branch is
    # then one index range instead of a join over every lead of the branch.
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="loan_commitments", editable=False, db_index=False,
        verbose_name=_("branch")
    )
    booking = models.ForeignKey(
        "booking.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="loan_commitments",
        db_index=False, verbose_name=_("booking"),
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # The sum of the commitment's payments, kept by the payment service in the same transaction as
    # each payment (under the row lock), so the balance is one column read and the database itself
    # refuses an overpaid commitment (loan_paid_not_above_amount).
    paid_amount = models.DecimalField(_("paid amount"), max_digits=12, decimal_places=2, default=0, editable=False)
    promised_clear_date = models.DateField(_("promised clear date"))
    status = models.CharField(_("status"), max_length=20, choices=LoanStatus.choices, default=LoanStatus.PENDING)
    remarks = models.TextField(_("remarks"), blank=True, default="")
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    # The broken promise this one replaces (a reschedule chain runs backwards through it).
    rescheduled_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rescheduled_to",
        editable=False, verbose_name=_("rescheduled from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False,
        verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = LoanCommitmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("loan commitment")
        verbose_name_plural = _("loan commitments")
        ordering = ["promised_clear_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=LoanStatus.values), name="loan_status_valid"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="loan_paid_not_negative"),
            models.CheckConstraint(condition=Q(paid_amount__lte=F("amount")), name="loan_paid_not_above_amount"),
        ]
        indexes = [
            models.Index(fields=["status", "promised_clear_date"], name="loan_status_promised_idx"),
            models.Index(fields=["lead", "-created_at"], name="loan_lead_created_idx"),
            # The overdue list: a branch's open commitments by promised date, count and page alike.
            # It also carries the lead and the money (PostgreSQL INCLUDE; ignored elsewhere), so the aging
            # report's sums and the has_overdue_promise semi-join read the index alone (index-only scans).
            models.Index(
                fields=["branch", "promised_clear_date", "id"],
                condition=Q(status__in=OPEN_LOAN_STATUSES),
                include=["lead", "amount", "paid_amount"],
                name="loan_branch_open_money_idx",
            ),
        ]

    def __str__(self):
        return f"{self.amount} by {self.promised_clear_date} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_LOAN_STATUSES

    @property
    def balance(self) -> Decimal:
        """What is still owed on this promise (the amount less its payments)."""
        return self.amount - self.paid_amount

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            # `paid_amount` is written only by the payment service (in SQL, under the row lock): a full
            # save of a copy read earlier (an admin form, a script) must not put an old sum back.
            kwargs["update_fields"] = [
                field.name for field in self._meta.concrete_fields if not field.primary_key and field.name != "paid_amount"
            ]
        if _saves_field(kwargs, "branch"):
            self.branch_id = self.lead.branch_id
        super().save(*args, **kwargs)


class LoanPaymentQuerySet(ScopedQuerySet):
    """`visible_to(user)`: payments on commitments of the branches `user` may act on."""

    branch_path = "commitment__branch_id"


class LoanPayment(models.Model):
    """Money received against a commitment; recorded only by `loan_payment_record` (which keeps `paid_amount`)."""

    commitment = models.ForeignKey(
        LoanCommitment, on_delete=models.CASCADE, related_name="payments", verbose_name=_("commitment")
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    paid_at = models.DateTimeField(_("paid at"), default=timezone.now)
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.CASH)
    reference = models.CharField(_("reference"), max_length=100, blank=True, default="")
    # The receipt, written once by `loan_payment_record` (leads.receipts): the organization's number
    # (`AT-2026-000123`, sequential per organization and year) and the commitment's balance right after
    # this payment, kept so a later payment, reschedule or merge never changes a printed receipt.
    # Empty (NULL) only on rows bulk-loaded around the service (the benchmark's seed).
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False,
        db_index=False, verbose_name=_("organization"),
    )
    receipt_number = models.CharField(_("receipt number"), max_length=32, null=True, blank=True, editable=False)
    balance_after = models.DecimalField(
        _("balance after"), max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False,
        verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = LoanPaymentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loan payment")
        verbose_name_plural = _("loan payments")
        ordering = ["-paid_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_payment_amount_positive"),
            models.CheckConstraint(condition=Q(method__in=PaymentMethod.values), name="loan_payment_method_valid"),
            # Also the index the receipt lookups and the organization's foreign key use.
            models.UniqueConstraint(fields=["organization", "receipt_number"], name="loan_payment_unique_receipt"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="loan_payment_balance_after_not_negative"),
        ]

    def __str__(self):
        return f"{self.amount} paid {self.paid_at:%Y-%m-%d} ({self.get_method_display()})"


class ReceiptCounter(models.Model):
    """The last receipt number an organization issued in a year: the row is locked (its UPDATE) by each
    payment, so concurrent payments take consecutive numbers and a rolled-back one gives its number back."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="receipt_counter_unique_org_year"),
        ]

    def __str__(self):
        return f"{self.organization_id} {self.year}: {self.last_number}"


class FollowUpReminder(models.Model):
    """A user's follow-up digest for one day: the row is the claim, taken before the email is sent.

    The unique (user, day) constraint lets only one run (or host) send a user's digest for a day;
    `sent_at` stays empty until the email is out, and a failed send deletes the row so a later run retries.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followup_reminders", verbose_name=_("user")
    )
    day = models.DateField(_("day"))
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    lead_count = models.PositiveIntegerField(_("lead count"), default=0)

    class Meta:
        verbose_name = _("follow-up reminder")
        verbose_name_plural = _("follow-up reminders")
        ordering = ["-day", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="followup_reminder_unique_user_day"),
        ]

    def __str__(self):
        state = f"sent {self.sent_at:%Y-%m-%d %H:%M}" if self.sent_at else "claimed"
        return f"Follow-up digest for {self.user} on {self.day} ({state}, {self.lead_count} leads)"


class FollowUpDueDay(models.Model):
    """Per branch and day: follow-ups that scheduled a contact for that day, and how many were done on or before it.

    A roll-up of past days (before the day `refresh_report_rollups` ran), rebuilt whole by that
    command; the summary reads it for those days and counts later days live. See docs/reports.md.
    """

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    due = models.PositiveIntegerField()
    done_on_time = models.PositiveIntegerField()

    class Meta:
        ordering = ["branch_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "day"], name="followup_due_day_unique_branch_day"),
            models.CheckConstraint(condition=Q(done_on_time__lte=models.F("due")), name="followup_due_day_done_le_due"),
        ]

    def __str__(self):
        return f"{self.branch_id} {self.day}: {self.done_on_time}/{self.due}"


class ReportRollupState(models.Model):
    """How far the roll-ups are complete: days up to `complete_through` are in FollowUpDueDay (one row, name='followups')."""

    name = models.CharField(max_length=50, primary_key=True)
    complete_through = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name}: complete through {self.complete_through}"


class AssignmentStrategy(models.TextChoices):
    """How a branch's new leads without an assignee get one (leads/services/assignment.py)."""

    MANUAL = "manual", _("Manual: new leads wait in the unassigned queue")
    ROUND_ROBIN = "round_robin", _("Round robin: each member in turn")
    LEAST_OPEN = "least_open", _("Fewest open leads first")


class AssignmentRule(models.Model):
    """A branch's assignment rule; a branch without one assigns by hand (`manual`).

    `turn` is the rule's cursor: how many leads it has dealt, advanced and locked by the one statement
    that starts every assignment, so concurrent creates of the branch take turns on this row.
    """

    branch = models.OneToOneField(
        Branch, on_delete=models.CASCADE, primary_key=True, related_name="assignment_rule", verbose_name=_("branch")
    )
    strategy = models.CharField(
        _("strategy"), max_length=20, choices=AssignmentStrategy.choices, default=AssignmentStrategy.MANUAL
    )
    turn = models.PositiveBigIntegerField(_("turn"), default=0, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        editable=False, verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["turn", "updated_at"])

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        constraints = [
            models.CheckConstraint(condition=Q(strategy__in=AssignmentStrategy.values), name="assignment_rule_strategy_valid"),
        ]

    def __str__(self):
        return f"{self.branch_id}: {self.get_strategy_display()}"
