"""Page-number pagination whose cost does not grow with the number of matches.

`count` is exact up to `LEADS_EXACT_COUNT_LIMIT` matches (default 10,000): the paginator counts
at most that many rows plus one (`SELECT COUNT(*) FROM (… LIMIT 10001)`), so a branch with
400,000 leads costs the same as one with 10,001. Beyond it the page answers an estimate and
`"count_is_estimate": true`:

- on PostgreSQL the planner's row estimate of the filtered query (`EXPLAIN`, which reads the
  table statistics and scans nothing), never below the exact limit + 1;
- elsewhere (SQLite) the capped count itself, the limit + 1: a lower bound.

A query found to have more than 10,000 matches is remembered as such, with its estimate, in the
shared cache for `LEADS_ESTIMATED_COUNT_SECONDS` (default 60; 0 = never): the next pages of the
same list (same filters, same scope, same day) skip the capped count and the EXPLAIN. Counts up to
10,000 are never remembered, so they are always exact; a list that shrinks below 10,001 matches
may keep answering an estimate for up to that long.

Every page is fetched with one extra row, so `next` is present exactly when another row follows.
A page without that row ends the list: `count` is the rows before it plus its own, exact, and no
count query runs at all (a search, a small branch's list, any last page). A page past the end is
a 404 as before. An estimated count is never used to refuse a page number.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Value
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import replace_query_param

DEFAULT_EXACT_COUNT_LIMIT = 10_000
DEFAULT_ESTIMATE_SECONDS = 60
MAX_OFFSET = 2**62  # below the 64-bit integers SQL's OFFSET takes


def exact_count_limit() -> int:
    return getattr(settings, "LEADS_EXACT_COUNT_LIMIT", DEFAULT_EXACT_COUNT_LIMIT)


def planner_row_estimate(queryset) -> int | None:
    """PostgreSQL's estimate of how many rows `queryset` returns, from EXPLAIN (no rows are read)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def estimate_cache_seconds() -> int:
    return int(getattr(settings, "LEADS_ESTIMATED_COUNT_SECONDS", DEFAULT_ESTIMATE_SECONDS))


def _estimate_key(rows, limit: int) -> str | None:
    if estimate_cache_seconds() <= 0:
        return None
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return None
    text = f"{rows.db}|{limit}|{sql}|{params!r}"
    return "pagination:estimate:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def _remembered_estimate(key):
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - the cache down: count again
        return None


def _remember_estimate(key, estimate: int) -> None:
    if key is None:
        return
    try:
        cache.set(key, estimate, estimate_cache_seconds())
    except Exception:  # noqa: BLE001
        pass


def _rows_only(queryset):
    """The same rows with nothing computed per row: no ordering, no annotations in the SELECT (a
    list's per-row sums would otherwise run for each of the 10,001 counted rows; filters on them
    still apply)."""
    queryset = queryset.order_by()
    if queryset.query.combinator:  # a union: its branches' selects must stay as they are
        return queryset
    if queryset.query.distinct or connections[queryset.db].vendor != "postgresql":
        return queryset.values("pk")
    # No column at all (PostgreSQL accepts an empty select list): an index alone can answer.
    return queryset.annotate(_counted=Value(1)).values("_counted")


class EstimatingPaginator(Paginator):
    """Django's paginator with a capped exact count and an estimate beyond it."""

    def __init__(self, *args, exact_limit: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.exact_limit = exact_count_limit() if exact_limit is None else exact_limit
        self.count_is_estimate = False

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if not hasattr(object_list, "query"):  # a list: its length is free
            return len(object_list)
        rows = _rows_only(object_list)
        key = _estimate_key(rows, self.exact_limit)
        remembered = _remembered_estimate(key)
        if remembered is not None:
            self.count_is_estimate = True
            return remembered
        capped = rows[: self.exact_limit + 1].count()
        if capped <= self.exact_limit:
            return capped
        self.count_is_estimate = True
        estimate = max(planner_row_estimate(rows) or 0, self.exact_limit + 1)
        _remember_estimate(key, estimate)
        return estimate

    def page(self, number):
        """The page, fetched with one row more than its size; the rows are counted only when that row exists.

        A page that is not full ends the list, so its rows give the count exactly and no count query
        runs (a search, a small branch's list: one query instead of two or three). A full page asks
        `count` (capped, or the estimate). An empty page past the first is past the end.
        """
        number = self._checked_number(number)
        if not hasattr(self.object_list, "query"):  # a list: Django's paginator as it is
            return super().page(number)
        bottom = (number - 1) * self.per_page
        if bottom + self.per_page >= MAX_OFFSET:  # no database holds that many rows (nor takes the number)
            raise EmptyPage(self.error_messages["no_results"])
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        has_following_rows = len(rows) > self.per_page
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if not has_following_rows and "count" not in self.__dict__:
            self.__dict__["count"] = bottom + len(rows)  # the cached_property's slot: exact, and free
        page = Page(rows[: self.per_page], number, self)
        page.has_following_rows = has_following_rows
        return page

    def _checked_number(self, number) -> int:
        """Django's checks of a page number that need no count: an integer, at least 1."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"])
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def validate_number(self, number) -> int:
        """Django's check, except that an estimated count never refuses a page number."""
        self.count  # noqa: B018
        if not self.count_is_estimate:
            return super().validate_number(number)
        return self._checked_number(number)


class StandardPagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}` with `page` and `page_size` (at most 100), and
    `"count_is_estimate": true` when `count` is an estimate (more than 10,000 matches).

    A `page_size` that is not a positive integer is a 400 naming it (DRF alone would silently
    fall back to the default); one above 100 is capped, as the schema says.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = EstimatingPaginator

    def get_next_link(self):
        page = self.page
        if getattr(page, "has_following_rows", None) is not None:  # known from the page's extra row
            if not page.has_following_rows:
                return None
            url = self.request.build_absolute_uri()
            return replace_query_param(url, self.page_query_param, page.number + 1)
        return super().get_next_link()

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.page.paginator.count_is_estimate:
            response.data["count_is_estimate"] = True
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = (
            f"Exact up to {exact_count_limit():,} matches; beyond that an estimate (see count_is_estimate)."
        )
        schema["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": (
                f"Present, and true, only when there are more than {exact_count_limit():,} matches and `count` "
                "is the database's estimate. Page numbers keep working; `next` is null on the last page."
            ),
        }
        return schema

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw:  # empty means "not given", like every optional query parameter
            try:
                valid = int(raw) >= 1
            except ValueError:
                valid = False
            if not valid:
                raise ValidationError({self.page_size_query_param: ["A positive integer is required."]})
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = f"Results per page; at most {self.max_page_size} (larger values are capped)."
            elif parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
