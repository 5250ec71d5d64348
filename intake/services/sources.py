"""Intake source writes: create (the key is returned once), update, revoke. Org admins and staff only."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from common.errors import OutOfScope
from intake.keys import new_key
from intake.models import IntakeSource
from leads.models import LeadSource
from organizations.models import Branch, Membership, MembershipRole
from organizations.scoping import NOT_IN_SCOPE, user_sees_everything

MAX_ALLOWED_ORIGINS = 20
SOURCE_EDITABLE_FIELDS = ("name", "allowed_origins", "asks_consent", "redirect_url")


@dataclass(frozen=True)
class CreatedSource:
    source: IntakeSource
    key: str  # shown to the creator once; only its hash is kept


def administers_organization(user, organization_id: int) -> bool:
    """Staff, or an org admin of the organization: who may create, see and revoke its intake sources."""
    if user_sees_everything(user):
        return True
    if not (user and user.is_authenticated):
        return False
    return Membership.objects.filter(
        user=user, role=MembershipRole.ORG_ADMIN, organization_id=organization_id
    ).exists()


def administers_any_organization(user) -> bool:
    """Staff, or an org admin of some organization: who may use the intake source endpoints at all."""
    if user_sees_everything(user):
        return True
    return bool(user and user.is_authenticated) and Membership.objects.filter(
        user=user, role=MembershipRole.ORG_ADMIN
    ).exists()


def normalize_origins(origins) -> list[str]:
    """`https://example.com` style origins (scheme, host and port only), lower-case, without repeats; else a 400."""
    if origins is None:
        return []
    if not isinstance(origins, (list, tuple)):
        raise ValidationError({"allowed_origins": ["A list of origins, such as https://www.example.com."]})
    if len(origins) > MAX_ALLOWED_ORIGINS:
        raise ValidationError({"allowed_origins": [f"At most {MAX_ALLOWED_ORIGINS} origins."]})
    found = []
    for origin in origins:
        text = origin.strip().rstrip("/").lower() if isinstance(origin, str) else ""
        try:
            parts = urlsplit(text)
            valid = (
                parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.path and not parts.query
                and not parts.fragment and not parts.username and not parts.password and len(text) <= 200
            )
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError:
            valid = False
        if not valid:
            raise ValidationError(
                {"allowed_origins": [f"Not an origin: {str(origin)[:100]!r} (expected https://host or https://host:port)."]}
            )
        if text not in found:
            found.append(text)
    return found


def _check_fields(source: IntakeSource) -> None:
    source.name = (source.name or "").strip()
    if not source.name:
        raise ValidationError({"name": ["This field may not be blank."]})
    if source.lead_source not in LeadSource.values:
        raise ValidationError({"lead_source": [f'"{source.lead_source}" is not a valid choice.']})
    source.allowed_origins = normalize_origins(source.allowed_origins)
    if source.redirect_url:
        try:
            URLValidator(schemes=["https", "http"])(source.redirect_url)
        except ValidationError as exc:
            raise ValidationError({"redirect_url": exc.messages}) from exc
    source.clean_fields(exclude=["branch", "organization", "created_by", "revoked_by", "key_prefix", "key_hash"])


@transaction.atomic
def intake_source_create(
    *,
    actor,
    branch: Branch,
    name: str,
    lead_source: str = LeadSource.WEB_FORM,
    allowed_origins=(),
    asks_consent: bool = False,
    redirect_url: str = "",
) -> CreatedSource:
    """A new source posting into `branch`, with a new key returned once (only its hash is stored).

    `actor` must administer the branch's organization (org admin or staff; a 400 on `branch` otherwise,
    as for any branch out of reach); `actor=None` is operations (the command) and may name any branch.
    """
    if actor is not None and not administers_organization(actor, branch.organization_id):
        raise ValidationError({"branch": [NOT_IN_SCOPE.format(pk=branch.pk)]})
    key = new_key()
    source = IntakeSource(
        branch=branch,
        organization_id=branch.organization_id,
        name=name,
        lead_source=lead_source,
        allowed_origins=list(allowed_origins or []),
        asks_consent=asks_consent,
        redirect_url=redirect_url or "",
        key_prefix=key.prefix,
        key_hash=key.digest,
        created_by=actor,
    )
    _check_fields(source)
    source.save()
    return CreatedSource(source=source, key=key.key)


def _lock_administered(source: IntakeSource, actor) -> IntakeSource:
    locked = IntakeSource.objects.select_for_update().filter(pk=source.pk).first()
    if locked is None or (actor is not None and not administers_organization(actor, locked.organization_id)):
        raise OutOfScope()
    return locked


@transaction.atomic
def intake_source_update(*, source: IntakeSource, actor, **changes) -> IntakeSource:
    """Change a source's name, allowed origins, consent question or thank-you page (not its branch or key)."""
    unknown = set(changes) - set(SOURCE_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    source = _lock_administered(source, actor)
    for name, value in changes.items():
        setattr(source, name, value)
    _check_fields(source)
    source.save(update_fields=list(changes))
    return source


@transaction.atomic
def intake_source_revoke(*, source: IntakeSource, actor) -> IntakeSource:
    """Revoke the source's key at once (its posts answer 401 from now on); revoking again changes nothing."""
    source = _lock_administered(source, actor)
    if source.revoked_at is None:
        source.revoked_at = timezone.now()
        source.revoked_by = actor
        source.save(update_fields=["revoked_at", "revoked_by"])
    return source
