"""Normalisation of Pakistani identity data: passports, CNICs and contact numbers.

Every write path (services, serializers, admin forms, model saves) and every search goes
through these functions, so a value is stored and looked up in exactly one form.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError

DEFAULT_PHONE_REGION = "PK"

_PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$")
_CNIC_RE = re.compile(r"^(\d{5})-?(\d{7})-?(\d)$")


def normalize_passport(value: str | None) -> str:
    """`ab 123 4567` → `AB1234567`; empty stays empty; anything but letters and digits is refused."""
    if not value:
        return ""
    passport = re.sub(r"\s+", "", value).upper()
    if not _PASSPORT_RE.match(passport):
        raise ValidationError("Enter a passport number of 5 to 20 letters and digits.", code="invalid_passport")
    return passport


def normalize_cnic(value: str | None) -> str:
    """`3520212345671` or `35202-1234567-1` → `35202-1234567-1`; empty stays empty."""
    if not value:
        return ""
    match = _CNIC_RE.match(value.strip())
    if not match:
        raise ValidationError("Enter a CNIC of 13 digits, as 12345-1234567-1 or 1234512345671.", code="invalid_cnic")
    return "-".join(match.groups())


def normalize_contact_number(value: str | None) -> str:
    """`0300 1234567` → `+923001234567` (E.164, Pakistan by default); empty stays empty."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError("Enter a valid phone number, such as 0300 1234567 or +923001234567.", code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


NORMALIZERS = {
    "passport_number": normalize_passport,
    "cnic": normalize_cnic,
    "contact_number": normalize_contact_number,
}


def normalize_identity_fields(instance) -> None:
    """Normalise in place the identity fields `instance` has; one ValidationError names every bad field."""
    errors = {}
    for field, normalize in NORMALIZERS.items():
        if not hasattr(instance, field):
            continue
        try:
            setattr(instance, field, normalize(getattr(instance, field)))
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
