"""The lost-reason catalogue of an organization: seeded codes, reasons org admins add."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from leads.models import SEEDED_LOST_REASONS, Lead, LostReason
from organizations.models import Organization


@transaction.atomic
def lost_reasons_seed(*, organization) -> None:
    """Give `organization` the seeded reasons it lacks (price, dates, visa, other_agent, no_response, other).

    Idempotent: existing codes (and their labels, which an admin may have reworded) are kept.
    """
    LostReason.objects.bulk_create(
        [LostReason(organization=organization, code=code, label=label) for code, label in SEEDED_LOST_REASONS.items()],
        ignore_conflicts=True,
    )


def lost_reason_for(*, organization_id: int, code: str) -> LostReason:
    """The organization's reason with `code`; an unknown code is a 400 on `lost_reason_code`."""
    reason = LostReason.objects.filter(organization_id=organization_id, code=code).first()
    if reason is None and code in SEEDED_LOST_REASONS:
        # An organization made around the post_save receiver (a fixture load): seed it now.
        lost_reasons_seed(organization=Organization(pk=organization_id))
        reason = LostReason.objects.filter(organization_id=organization_id, code=code).first()
    if reason is None:
        raise ValidationError({"lost_reason_code": [f"Unknown lost reason {code!r} for this organization."]})
    return reason


def lost_reason_validate(*, reason: LostReason) -> None:
    """The catalogue's rules, checked by `lost_reason_save` and shown by the admin form before saving.

    Code and label are required; codes are unique per organization; a code that leads were lost
    for cannot change (their counts would move to another reason), only its label.
    """
    reason.code = (reason.code or "").strip().lower()
    reason.label = (reason.label or "").strip()
    if not reason.code:
        raise ValidationError({"code": ["This field is required."]})
    if not reason.label:
        raise ValidationError({"label": ["This field is required."]})
    if not reason._state.adding:
        stored_code = LostReason.objects.filter(pk=reason.pk).values_list("code", flat=True).first()
        if stored_code != reason.code and Lead.objects.filter(lost_reason_category_id=reason.pk).exists():
            raise ValidationError({"code": ["Leads were lost for this reason; reword the label instead."]})
    clash = LostReason.objects.filter(organization_id=reason.organization_id, code=reason.code).exclude(pk=reason.pk)
    if clash.exists():
        raise ValidationError({"code": ["This organization already has a reason with this code."]})


@transaction.atomic
def lost_reason_save(*, reason: LostReason) -> LostReason:
    """Add or reword a catalogue entry after `lost_reason_validate`; a lost race on the code is a 400 too."""
    lost_reason_validate(reason=reason)
    try:
        with transaction.atomic():
            reason.save()
    except IntegrityError as exc:
        raise ValidationError({"code": ["This organization already has a reason with this code."]}) from exc
    return reason
