"""Which language a request is answered in: the user's for pages people read, English for the API.

Pages people read (the admin, error pages, the printable receipt) follow the user's choice: Django's
`LocaleMiddleware` takes the `django_language` cookie, else the browser's `Accept-Language`, else
`LANGUAGE_CODE` (English). The JSON API does not: its messages (DRF's, Django's validators', the
services') are part of the contract, which clients match on, and a client's `Accept-Language: ur`
must not change them. So every path under `/api/` is answered in `LANGUAGE_CODE`, without
`Vary: Accept-Language`; an API view that answers a page for people (the receipt) picks the
request's language itself with `request_language`. After each response the thread is back in
`LANGUAGE_CODE`.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def request_language(request) -> str:
    """The language the person behind `request` reads: the cookie, else Accept-Language, else English."""
    return translation.get_language_from_request(request)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's `LocaleMiddleware` for everything but the API, which stays in `LANGUAGE_CODE`."""

    def process_request(self, request):
        if is_api_path(request.path_info):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)

    def process_response(self, request, response):
        if not is_api_path(request.path_info):
            response = super().process_response(request, response)
        # The page is rendered: the thread goes back to LANGUAGE_CODE, so one reader's language never
        # reaches whatever the thread does next (a job run inline, the next test).
        translation.deactivate()
        return response
