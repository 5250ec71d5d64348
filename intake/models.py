"""Intake: the sources that post leads by themselves (web forms with a key), and Meta Lead Ads.

An `IntakeSource` is a door into one branch: its key (shown once, stored as a prefix to find it and
a SHA-256 of the rest) lets a website's form or a script post enquiries to `POST /api/leads/intake/`.
A `MetaPage` connects a Facebook page to a source; each Lead Ads lead the page receives is a
`MetaLead`, stored once by its leadgen id, fetched from the Graph API in the background and passed
through the same intake as a web form's.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leads.models import Lead, LeadSource
from organizations.models import Branch, Membership, MembershipRole, Organization, OrganizationFollowsBranch
from organizations.scoping import user_sees_everything


class IntakeSourceQuerySet(models.QuerySet):
    def administered_by(self, user):
        """The sources `user` may see and manage: their organizations' as org admin, every one for staff."""
        if user_sees_everything(user):
            return self.all()
        if not (user and user.is_authenticated):
            return self.none()
        organizations = Membership.objects.filter(user=user, role=MembershipRole.ORG_ADMIN).values("organization_id")
        return self.filter(organization_id__in=organizations)

    def active(self):
        return self.filter(revoked_at__isnull=True)


class IntakeSource(OrganizationFollowsBranch):
    """A form or script that posts enquiries into one branch, with a key of its own (revocable)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="intake_sources", editable=False,
        verbose_name=_("organization"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="intake_sources", verbose_name=_("branch"),
        help_text=_("New leads from this source go to this branch."),
    )
    name = models.CharField(_("name"), max_length=100)
    lead_source = models.CharField(
        _("lead source"), max_length=20, choices=LeadSource.choices, default=LeadSource.WEB_FORM
    )
    # The key is `ik_<prefix>_<secret>`: the prefix finds the row, the secret's SHA-256 proves it.
    key_prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    allowed_origins = models.JSONField(
        _("allowed origins"), default=list, blank=True,
        help_text=_("Websites (https://example.com) whose pages may post to this source; empty: any."),
    )
    asks_consent = models.BooleanField(
        _("asks consent"), default=False,
        help_text=_("The form asks the customer's consent to WhatsApp/SMS messages (messaging_consent)."),
    )
    redirect_url = models.URLField(
        _("thank-you page"), max_length=500, blank=True, default="",
        help_text=_("Where a browser is sent after its form post is received; empty: a JSON answer."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        editable=False, verbose_name=_("revoked by"),
    )

    objects = IntakeSourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("intake source")
        verbose_name_plural = _("intake sources")
        ordering = ["organization_id", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="intake_source_name_not_empty"),
            models.CheckConstraint(condition=~Q(key_hash=""), name="intake_source_key_hash_not_empty"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class MetaPage(models.Model):
    """A Facebook page whose Lead Ads leads come in through an intake source (its branch and lead source)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="meta_pages", editable=False,
        verbose_name=_("organization"),
    )
    source = models.ForeignKey(
        IntakeSource, on_delete=models.PROTECT, related_name="meta_pages", verbose_name=_("intake source"),
        help_text=_("The branch and lead source this page's leads get."),
    )
    page_id = models.CharField(_("page id"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True, default="")
    # The page access token (leads_retrieval) the Graph API calls use. Stored as given: the project has
    # no field encryption yet (DJANGO_FIELD_ENCRYPTION_KEY is the messaging app's); never shown again
    # by the admin, never logged.
    access_token = models.TextField(_("page access token"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    backfilled_at = models.DateTimeField(_("backfilled at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Meta page")
        verbose_name_plural = _("Meta pages")
        ordering = ["organization_id", "page_id"]
        constraints = [
            models.CheckConstraint(condition=~Q(page_id=""), name="meta_page_id_not_empty"),
            models.CheckConstraint(condition=~Q(access_token=""), name="meta_page_token_not_empty"),
        ]

    def __str__(self):
        return self.name or self.page_id

    def save(self, *args, **kwargs):
        if self.source_id is not None:
            self.organization_id = self.source.organization_id
        super().save(*args, **kwargs)


class MetaLeadStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # recorded, not fetched yet (or a transient failure, to try again)
    DONE = "done", _("Done")  # fetched and taken in (a new lead or a follow-up on the customer's lead)
    FAILED = "failed", _("Failed")  # given up: `error` says why


class MetaLeadReceivedVia(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook")
    BACKFILL = "backfill", _("Backfill")


class MetaLead(models.Model):
    """One Lead Ads lead, by its leadgen id: stored once however often Meta (or the backfill) names it."""

    leadgen_id = models.CharField(_("leadgen id"), max_length=32, unique=True)
    meta_page = models.ForeignKey(
        MetaPage, on_delete=models.SET_NULL, null=True, blank=True, related_name="leads", verbose_name=_("page")
    )
    page_id = models.CharField(_("page id"), max_length=32)
    form_id = models.CharField(_("form id"), max_length=32, blank=True, default="")
    ad_id = models.CharField(_("ad id"), max_length=32, blank=True, default="")
    adgroup_id = models.CharField(_("ad set id"), max_length=32, blank=True, default="")
    campaign_id = models.CharField(_("campaign id"), max_length=32, blank=True, default="")
    received_via = models.CharField(
        _("received via"), max_length=10, choices=MetaLeadReceivedVia.choices, default=MetaLeadReceivedVia.WEBHOOK
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MetaLeadStatus.choices, default=MetaLeadStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True, default="")
    # The lead it became or followed up. No database constraint: leads are deleted set-based by an import's
    # revert (transfers), which refuses any relation it does not handle; a Meta lead points at an imported
    # lead only by following it up, and a followed-up lead is never reverted, so nothing dangles.
    lead = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lead"),
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Meta lead")
        verbose_name_plural = _("Meta leads")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(leadgen_id=""), name="meta_lead_leadgen_id_not_empty"),
            models.CheckConstraint(condition=Q(status__in=MetaLeadStatus.values), name="meta_lead_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="meta_lead_status_idx")]

    def __str__(self):
        return self.leadgen_id


class IntakeSubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # accepted, not processed yet (a task is queued; the sweep retries it)
    DONE = "done", _("Done")  # a new lead, or a follow-up on the customer's lead (`created_lead` says which)
    FAILED = "failed", _("Failed")  # refused when processed: `error` says why
    SPAM = "spam", _("Spam")  # the honeypot was filled: kept to be seen, never processed


class IntakeSubmission(models.Model):
    """One enquiry posted to `POST /api/leads/intake/`, stored as accepted (normalised) and processed after the
    answer: the request validates and stores it, a task (or the sweep) takes it into the leads."""

    source = models.ForeignKey(
        IntakeSource, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("intake source")
    )
    # The client's `Idempotency-Key` header: a retried post with the same key stores nothing new (per source).
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True, default="")
    customer_name = models.CharField(_("customer name"), max_length=200)
    contact_number = models.CharField(_("contact number"), max_length=32)
    passport_number = models.CharField(_("passport number"), max_length=32, blank=True, default="")
    cnic = models.CharField(_("CNIC"), max_length=32, blank=True, default="")
    area = models.CharField(_("area"), max_length=100, blank=True, default="")
    remarks = models.TextField(_("remarks"), blank=True, default="")
    messaging_consent = models.BooleanField(_("messaging consent"), null=True, blank=True)
    utm_source = models.CharField(_("UTM source"), max_length=100, blank=True, default="")
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True, default="")
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=IntakeSubmissionStatus.choices, default=IntakeSubmissionStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True, default="")
    # The lead it became or followed up (no database constraint, as `MetaLead.lead`: an import's revert deletes
    # leads set-based; a submission only names a lead it created or followed up).
    lead = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lead"),
        db_constraint=False,
    )
    created_lead = models.BooleanField(_("new lead"), null=True, blank=True,
                                       help_text=_("True: a new lead; False: a follow-up on the customer's lead."))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("intake submission")
        verbose_name_plural = _("intake submissions")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "idempotency_key"], condition=~Q(idempotency_key=""),
                name="intake_submission_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=IntakeSubmissionStatus.values), name="intake_submission_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="intake_submission_status_idx")]

    def __str__(self):
        return f"{self.customer_name} ({self.get_status_display()})"
