"""The one small client of Meta's Graph API (Lead Ads): a lead by its leadgen id, a page's forms, a form's leads.

The base URL is `META_GRAPH_URL` (tests point it at a local fake), the version `META_GRAPH_VERSION`.
Every call has a timeout. A failure is a `GraphError` that says whether trying again later may help
(`transient`: a network error, a 5xx, a 429 or Graph's rate-limit and temporary codes) or not (an expired
or revoked token, code 190; a lead that does not exist). Paging follows `paging.next` only while it stays
on the Graph API's own host (the token rides in its query). No message quotes a URL (it holds the token).
"""

from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from django.conf import settings

LEAD_FIELDS = "id,created_time,field_data,ad_id,adset_id,campaign_id,form_id,platform,is_organic"
# Graph's codes for "slow down" or "try again": throttling (4, 17, 32, 613, 80001..) and temporary errors (1, 2).
TRANSIENT_CODES = {1, 2, 4, 17, 32, 341, 613, 80001}
MAX_PAGES = 1000  # a cursor loop (or an endless list) stops here


class GraphError(Exception):
    def __init__(self, message: str, *, transient: bool, code: int | None = None):
        super().__init__(message)
        self.transient = transient
        self.code = code


def _timeout() -> httpx.Timeout:
    return httpx.Timeout(settings.META_GRAPH_TIMEOUT, connect=min(5.0, settings.META_GRAPH_TIMEOUT))


def _base() -> str:
    return f"{settings.META_GRAPH_URL.rstrip('/')}/{settings.META_GRAPH_VERSION}"


def _same_host(url: str) -> bool:
    base, other = urlsplit(settings.META_GRAPH_URL), urlsplit(url)
    return (base.scheme, base.netloc) == (other.scheme, other.netloc)


def _get(client: httpx.Client, url: str, params: dict | None = None) -> dict:
    try:
        response = client.get(url, params=params)
    except httpx.TimeoutException as exc:
        raise GraphError(f"Graph API timed out ({type(exc).__name__}).", transient=True) from None
    except httpx.HTTPError as exc:
        raise GraphError(f"Graph API unreachable ({type(exc).__name__}).", transient=True) from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code == 200 and isinstance(body, dict):
        return body
    error = body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), dict) else {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    message = str(error.get("message") or "")[:300]
    transient = response.status_code >= 500 or response.status_code == 429 or code in TRANSIENT_CODES
    described = f"Graph API answered {response.status_code}"
    if code is not None:
        described += f" (code {code})"
    raise GraphError(f"{described}: {message}" if message else f"{described}.", transient=transient, code=code)


def get_lead(leadgen_id: str, *, access_token: str) -> dict:
    """`GET /{version}/{leadgen_id}?fields=…`: the lead's `field_data` and its ad, ad set, campaign and form ids."""
    with httpx.Client(timeout=_timeout()) as client:
        return _get(client, f"{_base()}/{leadgen_id}", {"fields": LEAD_FIELDS, "access_token": access_token})


def _paged(client: httpx.Client, url: str, params: dict) -> Iterator[dict]:
    for _ in range(MAX_PAGES):
        body = _get(client, url, params)
        data = body.get("data")
        if not isinstance(data, list):
            raise GraphError("Graph API answered a page without `data`.", transient=False)
        yield from (item for item in data if isinstance(item, dict))
        following = (body.get("paging") or {}).get("next") if isinstance(body.get("paging"), dict) else None
        if not isinstance(following, str) or not following or not _same_host(following):
            return
        url, params = following, None  # the cursor URL carries every parameter


def page_forms(page_id: str, *, access_token: str) -> Iterator[dict]:
    """`GET /{page_id}/leadgen_forms`, every page of it: the page's Lead Ads forms (`id`, `name`)."""
    with httpx.Client(timeout=_timeout()) as client:
        yield from _paged(client, f"{_base()}/{page_id}/leadgen_forms", {"fields": "id,name", "access_token": access_token})


def form_leads(form_id: str, *, access_token: str, since: datetime | None = None) -> Iterator[dict]:
    """`GET /{form_id}/leads`, every page of it (created after `since` when given), with the lead fields."""
    params = {"fields": LEAD_FIELDS, "access_token": access_token, "limit": 100}
    if since is not None:
        params["filtering"] = (
            f'[{{"field":"time_created","operator":"GREATER_THAN","value":{int(since.timestamp())}}}]'
        )
    with httpx.Client(timeout=_timeout()) as client:
        yield from _paged(client, f"{_base()}/{form_id}/leads", params)
