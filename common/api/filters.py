"""Query-string filter fields every app's lists share (django-filter)."""

import django_filters
from django import forms

from common.api.fields import EARLIEST_BUSINESS_DAY, LATEST_BUSINESS_DAY, MAX_ID, OUT_OF_RANGE_DAY


class IdFilter(django_filters.NumberFilter):
    """An exact match on an id; non-integers and ids beyond the database's range are a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        # Beyond a bigint the database driver itself fails (a 500), so the form refuses it first.
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class BusinessDateFormField(forms.DateField):
    """A day between the years 1900 and 2999 (`common.api.fields.BusinessDateField`'s bounds)."""

    def clean(self, value):
        day = super().clean(value)
        if day is not None and not EARLIEST_BUSINESS_DAY <= day <= LATEST_BUSINESS_DAY:
            raise forms.ValidationError(OUT_OF_RANGE_DAY, code="out_of_range")
        return day


class DateFilter(django_filters.DateFilter):
    """A day filter (YYYY-MM-DD); a day outside 1900 to 2999 is a 400 naming the parameter."""

    field_class = BusinessDateFormField
