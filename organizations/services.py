"""User services: revoking a user's API tokens and browser sessions; a user's language. Organization services:
its working time (the first-contact SLA's calendar)."""

from dataclasses import dataclass
from datetime import date, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from knox.models import get_token_model

from common.errors import OutOfScope
from organizations.models import (
    Membership,
    MembershipRole,
    Organization,
    OrganizationHoliday,
    UserPreferences,
    UserSession,
    mask_of,
)
from organizations.scoping import user_sees_everything


@transaction.atomic
def user_revoke_tokens(*, user_id: int) -> int:
    """Delete every API token of the user (each deletion also drops it from the token cache); how many."""
    # One by one through the model's delete signals (organizations.signals: the token cache forgets each).
    deleted, _ = get_token_model().objects.filter(user_id=user_id).delete()
    return deleted


@transaction.atomic
def user_sign_out_everywhere(*, user) -> None:
    """Revoke every API token and every browser session of `user`: the caller's own included."""
    user_revoke_tokens(user_id=user.pk)
    UserSession.objects.filter(user_id=user.pk).delete()


def user_password_changed(*, user_id: int) -> None:
    """A new password: the API tokens issued with the old one stop working.

    Browser sessions need nothing here: Django keeps a hash of the password in each session and
    signs out every session whose hash no longer matches (the one that changed the password is
    re-hashed by `update_session_auth_hash` in the password-change views).
    """
    user_revoke_tokens(user_id=user_id)


@transaction.atomic
def user_language_set(*, user, language: str) -> UserPreferences:
    """Remember `language` (one of LANGUAGES) as `user`'s: the reminder digest is written in it."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": f"Not a language of this service: {language!r}."})
    preferences, _ = UserPreferences.objects.update_or_create(user=user, defaults={"language": language})
    return preferences



@dataclass(frozen=True)
class WorkingDay:
    """One exception to an organization's calendar: closed that day, or open although the calendar says not."""

    date: date
    closed: bool = True
    name: str = ""


def may_manage_organization(user, organization_id: int) -> bool:
    """Staff and superusers, and the organization's org admins."""
    return user_sees_everything(user) or Membership.objects.filter(
        user=user, organization_id=organization_id, role=MembershipRole.ORG_ADMIN
    ).exists()


@transaction.atomic
def organization_working_time_set(
    *,
    organization: Organization,
    actor,
    first_contact_hours: int,
    working_days: set[int],
    opens_at: time,
    closes_at: time,
    holiday_country: str,
    days: list[WorkingDay],
) -> Organization:
    """Set the organization's first-contact hours, working weekdays (Monday 0 … Sunday 6), opening hours, public
    holiday calendar and its own exceptions (`days` replaces them all). Org admins of it and staff only
    (`OutOfScope` for anyone else: the organization does not exist for them). Leads created from now on follow
    it; due times already set stay."""
    if actor is not None and not may_manage_organization(actor, organization.pk):
        raise OutOfScope()
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    organization.first_contact_hours = first_contact_hours
    organization.working_days = mask_of(working_days)
    organization.opens_at, organization.closes_at = opens_at, closes_at
    organization.holiday_country = holiday_country.upper()
    organization.full_clean(exclude=["name"])
    seen = set()
    for day in days:
        if day.date in seen:
            raise ValidationError({"days": [f"{day.date} is given twice."]})
        seen.add(day.date)
    organization.save()
    OrganizationHoliday.objects.filter(organization=organization).delete()
    OrganizationHoliday.objects.bulk_create(
        OrganizationHoliday(organization=organization, date=day.date, closed=day.closed, name=day.name[:100])
        for day in sorted(days, key=lambda day: day.date)
    )
    return organization


INVITATION_INVALID = "This invitation link is invalid or has already been used; ask your manager for a new one."


@transaction.atomic
def user_accept_invitation(*, uid: str, token: str, password: str):
    """Set the first password of the user an invitation names (Django's password-reset token): the link
    works once, and not after PASSWORD_RESET_TIMEOUT. A bad link is a 400 on `token`; a weak password on
    `password` (the password validators)."""
    from django.contrib.auth import get_user_model, password_validation
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_decode

    User = get_user_model()
    try:
        user = User.objects.select_for_update().get(pk=int(urlsafe_base64_decode(uid).decode()), is_active=True)
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise ValidationError({"token": [INVITATION_INVALID]})
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    user_password_changed(user_id=user.pk)
    return user
