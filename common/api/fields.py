"""Serializer fields that accept identity data in any common spelling and store one form."""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.identity import normalize_cnic, normalize_contact_number, normalize_passport


# Largest id the database can hold (BigAutoField): larger ids are refused as a 400, not looked up.
MAX_ID = 2**63 - 1


class ChoiceField(serializers.ChoiceField):
    """A choice whose error lists the valid values instead of echoing the input.

    Echoing would put whatever the client sent (a lone surrogate, say) into a response that
    cannot then be encoded.
    """

    def __init__(self, choices, **kwargs):
        super().__init__(choices, **kwargs)
        allowed = ", ".join(str(key) for key in self.choices)
        self.error_messages["invalid_choice"] = f"Not a valid choice; use one of: {allowed}."


@extend_schema_field({"type": "string", "format": "date-time", "example": "2026-11-27T10:30:00+05:00"})
class AwareDateTimeField(serializers.DateTimeField):
    """An RFC 3339 date-time, which carries its UTC offset, between the years 1900 and 2999.

    A naive value ("2026-11-27T10:30") would be read in the server's zone, which the client may
    not know; year 1 or 9999 cannot even be converted between zones (an OverflowError, a 500).
    Both are a 400 on the field. Output stays DRF's (in the business time zone).
    """

    MIN_YEAR, MAX_YEAR = 1900, 2999
    default_error_messages = {
        "naive": "Include the UTC offset, e.g. 2026-11-27T10:30:00+05:00 or 2026-11-27T05:30:00Z.",
        "out_of_range": "Enter a date-time between the years 1900 and 2999.",
    }

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        if not self.MIN_YEAR <= value.year <= self.MAX_YEAR:
            self.fail("out_of_range")
        return super().enforce_timezone(value)


# The days a business-day parameter may name. Beyond them the business-day arithmetic (a period's
# default start, an aging bucket's bounds) overflows Python's dates (year 1 to 9999): a 500.
EARLIEST_BUSINESS_DAY, LATEST_BUSINESS_DAY = date(1900, 1, 1), date(2999, 12, 31)
OUT_OF_RANGE_DAY = f"Enter a day between {EARLIEST_BUSINESS_DAY} and {LATEST_BUSINESS_DAY}."


# A wall-clock time written HH:MM (seconds and fractions accepted on input). OpenAPI's `format: time` is
# RFC 3339's full-time, which needs seconds and a UTC offset, so the schema names the shape with a pattern.
@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$", "example": "09:00"}
)
class HourMinuteField(serializers.TimeField):
    """A time of day as `HH:MM` (business time zone); `HH:MM:SS` is accepted too."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


class BusinessDateField(serializers.DateField):
    """A local day (YYYY-MM-DD) between the years 1900 and 2999: `0001-01-01` or `9999-12-31` is a 400 on the field.

    For every day a query or body names that the business-day code computes with (reports' `as_of`,
    `from`, `to`); list filters use `common.api.filters.DateFilter`, the same bounds.
    """

    default_error_messages = {"out_of_range": OUT_OF_RANGE_DAY}

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST_BUSINESS_DAY <= day <= LATEST_BUSINESS_DAY:
            self.fail("out_of_range")
        return day


# An amount as text: ASCII digits, an optional point and sign. Python's Decimal (behind DRF's and
# Django's decimal fields) also reads other scripts' digits ("１００", "١٠٠"), underscores ("1_000")
# and exponents ("1e3"), none of which the schema's pattern allows.
PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
PLAIN_DECIMAL_MESSAGE = "Enter the amount with the digits 0-9 and an optional decimal point, e.g. 2500.00."


def is_plain_decimal(value) -> bool:
    """True for a JSON number or a decimal string written with ASCII digits (surrounding spaces aside)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return True
    return isinstance(value, str) and PLAIN_DECIMAL.fullmatch(value.strip()) is not None


class AmountField(serializers.DecimalField):
    """A money amount: DRF's DecimalField taking only ASCII digits (`"１００"` is a 400 on the field).

    The base of every amount a client sends (loan commitments, payments, bookings); the admin's
    forms use `AmountFormField`, the same rule.
    """

    default_error_messages = {"plain": PLAIN_DECIMAL_MESSAGE}

    def to_internal_value(self, data):
        if not is_plain_decimal(data):
            self.fail("plain")
        return super().to_internal_value(data)


class AmountFormField(forms.DecimalField):
    """Django's form DecimalField with `AmountField`'s rule: ASCII digits only (admin forms)."""

    def to_python(self, value):
        if value not in self.empty_values and not is_plain_decimal(value):
            raise forms.ValidationError(PLAIN_DECIMAL_MESSAGE, code="invalid")
        return super().to_python(value)


# What model admins set as `formfield_overrides` so every decimal column's input is an `AmountFormField`.
AMOUNT_FORMFIELD_OVERRIDES = {models.DecimalField: {"form_class": AmountFormField}}


# The characters `str.strip()` removes (what DRF trims from text fields), as a regex class: a pattern
# built on it judges "blank" exactly as validation does, which ECMAScript's `\s` does not quite.
PYTHON_WHITESPACE = r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Text with at least one character that is not whitespace: not blank once trimmed.
NON_BLANK_PATTERN = f"[^{PYTHON_WHITESPACE}]"


class StrictCharField(serializers.CharField):
    """A text field that takes JSON strings only: DRF's CharField would store `0` or `1.5` as text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """`true` or `false`: a JSON boolean, or those words in a form field.

    DRF's BooleanField also takes `0`, `1`, `yes`, `on`, `True` ... which the schema's boolean
    does not say (in a multipart form a boolean is sent as the word).
    """

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if data in ("true", "false"):
            return data == "true"
        self.fail("invalid")


class _NormalizedCharField(serializers.CharField):
    normalize = staticmethod(lambda value: value)

    def to_internal_value(self, data):
        # The length limit applies to what was sent (as the schema's maxLength says), not to the
        # shorter stripped and normalised value: 40 spaces around a 5-character passport are refused.
        if self.max_length is not None and isinstance(data, str) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length, length=len(data))
        value = super().to_internal_value(data)
        try:
            return self.normalize(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


# The schema says what validation accepts (spaces are ignored), so generated clients and fuzzers
# produce values the API takes: 5-20 letters and digits. Where the field may be blank ("none"),
# drf-spectacular adds the empty string as a `oneOf` alternative; the pattern must not match it too,
# or "" would match both alternatives and `oneOf` would call it invalid.
@extend_schema_field(
    {"type": "string", "example": "AB1234567", "maxLength": 40, "pattern": r"^\s*(?:[A-Za-z0-9]\s*){5,20}$"}
)
class PassportField(_NormalizedCharField):
    normalize = staticmethod(normalize_passport)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)


@extend_schema_field(
    {"type": "string", "example": "35202-1234567-1", "maxLength": 20,
     "pattern": r"^\s*[0-9]{5}-?[0-9]{7}-?[0-9]\s*$"}
)
class CNICField(_NormalizedCharField):
    normalize = staticmethod(normalize_cnic)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "example": "+923001234567", "maxLength": 20})
class ContactNumberField(_NormalizedCharField):
    normalize = staticmethod(normalize_contact_number)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "minimum": 1})
class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id limited to the rows the requesting user may see.

    An id outside the caller's scope is answered exactly like an unknown one: a 400 on the field
    ("Invalid pk … - object does not exist."), so the body never confirms another branch's rows.
    The model's manager must offer `visible_to(user)`.
    """

    def __init__(self, model=None, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.model.objects.visible_to(user)
