"""Customer messages: the channels an organization sends through, its templates, and every message (the outbox).

A `Message` row is the outbox entry and the thread's record at once: written `queued` in the
transaction of its cause, claimed by one worker (`claimed_at` set by a conditional UPDATE) before
any provider call, `sent` with the provider's id, then moved forward by status callbacks
(`delivered`, `read`) or `failed` with the provider's reason. Inbound messages are rows with
`direction=in` and `status=received`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.encryption import EncryptedTextField
from organizations.models import Branch, Organization, ScopedQuerySet


class ChannelKind(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class MessageLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    URDU = "ur", _("Urdu")


class MessageDirection(models.TextChoices):
    OUT = "out", _("Outgoing")
    IN = "in", _("Incoming")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")
    RECEIVED = "received", _("Received")


# How far each status is along an outgoing message's life: a callback only ever moves a row forward.
STATUS_RANK = {
    MessageStatus.QUEUED: 0,
    MessageStatus.SENT: 1,
    MessageStatus.DELIVERED: 2,
    MessageStatus.READ: 3,
    MessageStatus.FAILED: 4,
}


class TemplateCode(models.TextChoices):
    PAYMENT_DUE_SOON = "payment_due_soon", _("Payment due soon")
    PAYMENT_DUE_TODAY = "payment_due_today", _("Payment due today")
    PAYMENT_OVERDUE = "payment_overdue", _("Payment overdue")
    PAYMENT_RECEIVED = "payment_received", _("Payment received")


class ChannelQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Channel(models.Model):
    """An organization's WhatsApp Business number (Cloud API) or Twilio SMS sender.

    The secret (the WhatsApp access token or the Twilio auth token) is encrypted at rest and never
    leaves the service: the API and the admin take it and never show it. A webhook finds exactly one
    channel, hence one organization, from the number it is about (the unique constraints below).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="messaging_channels", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    display_phone_number = models.CharField(
        _("display phone number"), max_length=20, blank=True, default="", help_text=_("E.164, e.g. +923001234567.")
    )
    # WhatsApp Cloud API
    phone_number_id = models.CharField(_("phone number id"), max_length=64, blank=True, default="")
    business_account_id = models.CharField(_("business account id"), max_length=64, blank=True, default="")
    # Twilio
    account_sid = models.CharField(_("account SID"), max_length=64, blank=True, default="")
    from_number = models.CharField(_("from number"), max_length=20, blank=True, default="")
    messaging_service_sid = models.CharField(_("messaging service SID"), max_length=64, blank=True, default="")
    # The access token (WhatsApp) or auth token (Twilio), encrypted (messaging/encryption.py).
    secret = EncryptedTextField(_("secret"), blank=True, default="")
    intake_branch = models.ForeignKey(
        Branch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intake branch"),
        help_text=_("Where a message from an unknown number becomes a lead; the organization's first branch unless chosen."),
    )
    daily_limit = models.PositiveIntegerField(
        _("daily limit"), default=1000, help_text=_("The most messages this channel sends per business day.")
    )
    active = models.BooleanField(_("active"), default=True)
    # The daily limit's counter: claims made on `day_counted` (a business day), reset by the first claim of a new day.
    day_counted = models.DateField(null=True, blank=True, editable=False)
    day_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("messaging channel")
        verbose_name_plural = _("messaging channels")
        ordering = ["organization_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ChannelKind.values), name="channel_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=ChannelKind.WHATSAPP) | ~Q(phone_number_id=""),
                name="channel_whatsapp_has_phone_number_id",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ChannelKind.SMS) | (~Q(account_sid="") & (~Q(from_number="") | ~Q(messaging_service_sid=""))),
                name="channel_sms_has_account_and_sender",
            ),
            models.UniqueConstraint(
                fields=["kind", "phone_number_id"],
                condition=Q(kind=ChannelKind.WHATSAPP),
                name="channel_unique_whatsapp_number",
            ),
            models.UniqueConstraint(
                fields=["kind", "from_number"],
                condition=Q(kind=ChannelKind.SMS) & ~Q(from_number=""),
                name="channel_unique_sms_number",
            ),
            # One channel of each kind sends for an organization (the one its messages go through).
            models.UniqueConstraint(
                fields=["organization", "kind"], condition=Q(active=True), name="channel_one_active_per_kind"
            ),
        ]

    def __str__(self):
        number = self.display_phone_number or self.from_number or self.phone_number_id
        return f"{self.get_kind_display()} {number} ({self.organization})"

    def __repr__(self):  # never the secret
        return f"<Channel {self.pk} {self.kind} org={self.organization_id}>"

    @property
    def has_secret(self) -> bool:
        return bool(self.secret)


class MessageTemplateQuerySet(models.QuerySet):
    pass


class MessageTemplate(models.Model):
    """A message an organization sends by code, in one language on one channel kind.

    `body` is the text with numbered parameters (`{{1}}`, `{{2}}`…) as the customer reads it (and as
    SMS sends it); on WhatsApp the provider's approved template `provider_name` in `provider_language`
    is sent with the same parameters (Meta renders its own copy of the text).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="message_templates", verbose_name=_("organization")
    )
    code = models.SlugField(_("code"), max_length=50)
    channel = models.CharField(_("channel"), max_length=10, choices=ChannelKind.choices)
    language = models.CharField(_("language"), max_length=2, choices=MessageLanguage.choices)
    body = models.TextField(_("body"))
    provider_name = models.CharField(
        _("provider template name"), max_length=512, blank=True, default="",
        help_text=_("The name of the template Meta approved (WhatsApp only)."),
    )
    provider_language = models.CharField(
        _("provider language"), max_length=15, blank=True, default="",
        help_text=_("The approved template's language code, e.g. en or ur (WhatsApp only)."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MessageTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["organization_id", "code", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code", "channel", "language"], name="message_template_unique"
            ),
            models.CheckConstraint(condition=Q(channel__in=ChannelKind.values), name="message_template_channel_valid"),
            models.CheckConstraint(
                condition=Q(language__in=MessageLanguage.values), name="message_template_language_valid"
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.channel}, {self.language})"


class MessageQuerySet(ScopedQuerySet):
    branch_path = "lead__branch_id"


class Message(models.Model):
    """One message of a lead's thread, in or out; outgoing rows are the outbox."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    lead = models.ForeignKey(
        "leads.Lead", on_delete=models.CASCADE, related_name="messages", verbose_name=_("lead")
    )
    direction = models.CharField(_("direction"), max_length=3, choices=MessageDirection.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=ChannelKind.choices)
    # The connected channel it went (or came) through; null when the log provider (development) sent it.
    channel_account = models.ForeignKey(
        Channel, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages",
        verbose_name=_("channel account"),
    )
    template = models.CharField(_("template"), max_length=50, null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=MessageLanguage.choices, default="en")
    body = models.TextField(_("body"), blank=True, default="")
    params = models.JSONField(_("parameters"), default=list, blank=True)
    to_number = models.CharField(_("to"), max_length=20, blank=True, default="")
    from_number = models.CharField(_("from"), max_length=20, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    error = models.TextField(_("error"), blank=True, default="")
    provider_message_id = models.CharField(_("provider message id"), max_length=128, null=True, blank=True)
    # Idempotency of the cause: reminder:<commitment>:<kind>, payment_received:<payment>, …
    dedupe_key = models.CharField(_("dedupe key"), max_length=100, null=True, blank=True)
    # Reminders wait out the quiet hours (MESSAGING_QUIET_HOURS); a staff member's send does not.
    respect_quiet_hours = models.BooleanField(default=False)
    # The outbox: due at `next_attempt_at`; `claimed_at` set by the one worker that calls the provider.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["lead_id", "created_at", "id"]
        indexes = [
            models.Index(fields=["lead", "created_at"], name="message_thread"),
            # The sweep's due rows, and its stale claims.
            models.Index(
                fields=["next_attempt_at"], name="message_outbox_due", condition=Q(status="queued")
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(direction__in=MessageDirection.values), name="message_direction_valid"),
            models.CheckConstraint(condition=Q(channel__in=ChannelKind.values), name="message_channel_valid"),
            models.CheckConstraint(condition=Q(status__in=MessageStatus.values), name="message_status_valid"),
            models.CheckConstraint(condition=Q(language__in=MessageLanguage.values), name="message_language_valid"),
            # Received is the inbound status and only that.
            models.CheckConstraint(
                condition=Q(direction=MessageDirection.IN, status=MessageStatus.RECEIVED)
                | (Q(direction=MessageDirection.OUT) & ~Q(status=MessageStatus.RECEIVED)),
                name="message_status_matches_direction",
            ),
            models.UniqueConstraint(
                fields=["channel_account", "provider_message_id"],
                condition=Q(provider_message_id__isnull=False),
                name="message_unique_provider_id",
            ),
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=Q(dedupe_key__isnull=False), name="message_unique_dedupe_key"
            ),
        ]

    def __str__(self):
        return f"{self.direction} {self.channel} #{self.pk} ({self.status})"
