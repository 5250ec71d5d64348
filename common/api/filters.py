"""Query-string filter fields every app's lists share (django-filter)."""

import django_filters
from django import forms

from common.api.fields import MAX_ID


class IdFilter(django_filters.NumberFilter):
    """An exact match on an id; non-integers and ids beyond the database's range are a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        # Beyond a bigint the database driver itself fails (a 500), so the form refuses it first.
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
