"""The HTTP run's application: the project as production serves it, and the bare twins with no middleware.

`/bench-bare/…` goes to a Django handler whose middleware chain is empty (no sessions, CSRF, CORS,
security headers or history): the floor the issue compares with. Everything else goes to the
project's own handler with its full middleware stack.
"""

import os

from django.core.handlers.exception import convert_exception_to_response
from django.core.wsgi import get_wsgi_application
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
project = get_wsgi_application()


class BareHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)


bare = BareHandler()


def application(environ, start_response):
    handler = bare if environ.get("PATH_INFO", "").startswith("/bench-bare/") else project
    return handler(environ, start_response)
