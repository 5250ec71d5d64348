"""Normalisation of Pakistani identity data: passports, CNICs and contact numbers.

Every write path (services, serializers, admin forms, model saves) and every search goes
through these functions, so a value is stored and looked up in exactly one form.
"""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError

DEFAULT_PHONE_REGION = "PK"

_PASSPORT_RE = re.compile(r"^[A-Za-z0-9]{5,20}$")
_CNIC_RE = re.compile(r"^([0-9]{5})-?([0-9]{7})-?([0-9])$")


def _unify(value: str) -> str:
    """One spelling for what looks the same: NFKC (full-width `１２３` → `123`, compatibility
    letters and spaces), then every other Unicode decimal digit (Urdu `۱۲۳`, Arabic-Indic `١٢٣`,
    Devanagari …) to its ASCII digit. Letters are not folded: `ß` stays `ß` (and is refused by the
    caller) rather than becoming `SS` through upper-casing.
    """
    value = unicodedata.normalize("NFKC", value)
    if value.isascii():
        return value
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in value)


def normalize_passport(value: str | None) -> str:
    """`ab 123 4567` → `AB1234567`; empty stays empty; anything but ASCII letters and digits is refused.

    Checked before upper-casing, so `ß1234567` is refused instead of becoming `SS1234567`.
    """
    if not value:
        return ""
    passport = re.sub(r"\s+", "", _unify(value))
    if not _PASSPORT_RE.match(passport):
        raise ValidationError(
            "Enter a passport number of 5 to 20 letters (A-Z) and digits.", code="invalid_passport"
        )
    return passport.upper()


def normalize_cnic(value: str | None) -> str:
    """`3520212345671` or `35202-1234567-1` → `35202-1234567-1`; empty stays empty."""
    if not value:
        return ""
    match = _CNIC_RE.match(_unify(value).strip())
    if not match:
        raise ValidationError("Enter a CNIC of 13 digits, as 12345-1234567-1 or 1234512345671.", code="invalid_cnic")
    return "-".join(match.groups())


def normalize_contact_number(value: str | None) -> str:
    """`0300 1234567` → `+923001234567` (E.164, Pakistan by default); empty stays empty."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(_unify(value), DEFAULT_PHONE_REGION)
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
