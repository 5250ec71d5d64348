"""A customer's messaging consent: opt in, opt out, with when and how (kept on the lead and in its history)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leads.models import ConsentVia, CustomerLanguage, Lead, MessagingConsent
from leads.services.attribution import attribute_history
from leads.services.rules import lock_in_scope

CONSENT_CHANGE_REASON = "messaging consent"


@transaction.atomic
def consent_record(
    *, lead: Lead, consent: str, via: str = ConsentVia.STAFF, actor=None, language: str | None = None
) -> Lead:
    """Record the customer's answer: `opted_in` or `opted_out` (or back to `unknown`), how (`via`), now.

    The lead is locked through the actor's scope (404 outside it). Recording the same answer again
    keeps the first time it was given. `language`, when given, is the language they are written in.
    """
    if consent not in MessagingConsent.values:
        raise ValidationError({"messaging_consent": [f'"{consent}" is not a valid choice.']})
    if via not in ConsentVia.values:
        raise ValidationError({"via": [f'"{via}" is not a valid choice.']})
    if language is not None and language not in CustomerLanguage.values:
        raise ValidationError({"language": [f'"{language}" is not a valid choice.']})
    lead = lock_in_scope(Lead, pk=lead.pk, actor=actor)
    fields = []
    if lead.messaging_consent != consent:
        lead.messaging_consent = consent
        lead.messaging_consent_at = timezone.now() if consent != MessagingConsent.UNKNOWN else None
        lead.messaging_consent_via = via if consent != MessagingConsent.UNKNOWN else ""
        fields += ["messaging_consent", "messaging_consent_at", "messaging_consent_via"]
    if language is not None and lead.language != language:
        lead.language = language
        fields.append("language")
    if fields:
        attribute_history(lead, actor)
        lead._change_reason = CONSENT_CHANGE_REASON
        lead.save(update_fields=[*fields, "updated_at"])
    return lead


def consent_opt_out_unscoped(*, lead_id: int, via: str) -> None:
    """A provider or the customer said stop (Twilio 21610, an inbound STOP): opted out at once, for every door."""
    lead = Lead.objects.unscoped().filter(pk=lead_id).first()
    if lead is not None and lead.messaging_consent != MessagingConsent.OPTED_OUT:
        consent_record(lead=lead, consent=MessagingConsent.OPTED_OUT, via=via, actor=None)
