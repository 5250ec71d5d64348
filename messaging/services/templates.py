"""Message templates: seeded per organization, edited by its admins, rendered with numbered parameters."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from common.errors import OutOfScope
from messaging.catalogue import seeded_template_rows
from messaging.models import MessageTemplate
from messaging.permissions import administers_organization

PARAMETER = re.compile(r"\{\{(\d+)\}\}")
MAX_PARAMETER_CHARS = 500


@transaction.atomic
def message_templates_seed(*, organization) -> int:
    """Give `organization` the seeded templates it lacks (English and Urdu, WhatsApp and SMS); idempotent.

    Templates an admin has edited are kept as they are. Returns how many were added.
    """
    rows = [
        MessageTemplate(
            organization=organization,
            code=code,
            channel=channel,
            language=language,
            body=body,
            provider_name=provider_name,
            provider_language=provider_language,
        )
        for code, channel, language, body, provider_name, provider_language in seeded_template_rows()
    ]
    existing = set(
        MessageTemplate.objects.filter(organization=organization).values_list("code", "channel", "language")
    )
    missing = [row for row in rows if (row.code, row.channel, row.language) not in existing]
    MessageTemplate.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def template_parameter_count(body: str) -> int:
    """The highest `{{n}}` the body names (parameters are numbered from 1)."""
    return max((int(number) for number in PARAMETER.findall(body)), default=0)


def template_render(body: str, params: list[str]) -> str:
    """The body with each `{{n}}` replaced by `params[n-1]`; a missing parameter is a 400 on `params`."""
    needed = template_parameter_count(body)
    if len(params) < needed:
        raise ValidationError({"params": [f"This template takes {needed} parameters; {len(params)} given."]})
    for value in params:
        if not isinstance(value, str) or len(value) > MAX_PARAMETER_CHARS:
            raise ValidationError({"params": [f"Each parameter is text of at most {MAX_PARAMETER_CHARS} characters."]})
    return PARAMETER.sub(lambda match: params[int(match.group(1)) - 1], body)


def message_template_validate(*, template: MessageTemplate) -> None:
    """A body is required and numbers its parameters from {{1}} without gaps; WhatsApp needs its approved name."""
    template.body = (template.body or "").strip()
    if not template.body:
        raise ValidationError({"body": ["This field is required."]})
    numbers = sorted({int(number) for number in PARAMETER.findall(template.body)})
    if numbers and numbers != list(range(1, numbers[-1] + 1)):
        raise ValidationError({"body": ["Number the parameters {{1}}, {{2}}, … without gaps."]})
    if template.channel == "whatsapp" and not (template.provider_name or "").strip():
        raise ValidationError({"provider_name": ["A WhatsApp template needs the name Meta approved."]})


@transaction.atomic
def message_template_update(*, template: MessageTemplate, actor=None, **fields) -> MessageTemplate:
    """Change a template's text or provider name (its code, channel and language stay); org admins only (else 404)."""
    if actor is not None and not administers_organization(actor, template.organization_id):
        raise OutOfScope()
    for name in ("body", "provider_name", "provider_language"):
        if name in fields:
            setattr(template, name, fields[name])
    message_template_validate(template=template)
    template.save()
    return template
