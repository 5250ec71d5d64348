"""Every HTML page the service serves loads nothing from another host and carries a Content-Security-Policy.

The docs work offline (ReDoc used to load Google Fonts); the policy (django-csp, config/settings.py)
lets scripts come from the service only. e2e/test_csp.py checks in headless Chromium that the
pages still render under it.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.test import Client

from leads.tests.api_base import LeadsAPITestCase

# What a page loads from: (tag, attribute) pairs that fetch, plus CSS url() and @import. A plain link
# (<a href>) is navigation, not a load.
LOADING_ATTRIBUTES = {
    ("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
    ("source", "src"), ("source", "srcset"), ("video", "src"), ("audio", "src"), ("embed", "src"),
    ("object", "data"), ("form", "action"), ("image", "href"), ("use", "href"),
}
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^"')\s]+)""", re.IGNORECASE)


class LoadedURLs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in LOADING_ATTRIBUTES and value:
                self.urls.extend(part.split()[0] for part in value.split(",") if part.strip()) if name == "srcset" \
                    else self.urls.append(value)
            if name == "style" and value:
                self.urls.extend(CSS_URL.findall(value))

    def handle_data(self, data):
        self.urls.extend(CSS_URL.findall(data))


def outside_urls(html: str) -> list[str]:
    """URLs the page would load from a host other than the one serving it."""
    parser = LoadedURLs()
    parser.feed(html)
    return [url for url in parser.urls if urlsplit(url).netloc not in {"", "testserver"}]


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


class PagesTests(LeadsAPITestCase):
    client_class = Client

    def pages(self):
        """(path, response) for each HTML page, signed in as an org admin (the admin needs it)."""
        anonymous = Client()
        yield "/admin/login/", anonymous.get("/admin/login/")
        self.client.force_login(self.admin_a)
        for path in ("/api/docs/", "/api/docs/?script=", "/api/redoc/", "/desk/", "/desk/dashboard", "/admin/",
                     "/admin/leads/lead/", f"/admin/leads/lead/{self.lead.pk}/change/"):
            yield path, self.client.get(path)
        yield "/api/me/ (browsable API)", self.client.get("/api/me/", HTTP_ACCEPT="text/html")

    def test_no_page_loads_anything_from_another_host(self):
        for path, response in self.pages():
            with self.subTest(path=path):
                self.assertEqual(response.status_code, 200)
                self.assertEqual(outside_urls(response.content.decode()), [])

    def test_the_scanner_sees_outside_urls(self):
        # drf-spectacular's own ReDoc page (what /api/redoc/ served) is caught, so the test above can fail.
        html = (
            '<link rel="preconnect" href="https://fonts.googleapis.com"><script src="//cdn.example.com/x.js"></script>'
            '<style>@font-face { src: url("https://fonts.gstatic.com/m.woff2"); }</style><a href="https://x.org/">docs</a>'
            '<img src="/static/a.png"><img srcset="http://testserver/b.png 1x, https://img.example.com/c.png 2x">'
        )
        self.assertEqual(outside_urls(html), [
            "https://fonts.googleapis.com", "//cdn.example.com/x.js", "https://fonts.gstatic.com/m.woff2",
            "https://img.example.com/c.png",
        ])

    def test_every_page_carries_the_policy(self):
        for path, response in self.pages():
            with self.subTest(path=path):
                policy = directives(response.headers.get("Content-Security-Policy", ""))
                self.assertEqual(policy.get("default-src"), ["'self'"])
                self.assertEqual(policy.get("script-src"), ["'self'"])  # no inline script, no other host
                self.assertEqual(policy.get("object-src"), ["'none'"])
                self.assertEqual(policy.get("frame-ancestors"), ["'none'"])
                for name, values in policy.items():
                    self.assertFalse([v for v in values if "//" in v or v in {"*", "https:", "http:"}], name)
                # Inline styles only where the page cannot do without (ReDoc, DRF's browsable API).
                relaxed = path.startswith(("/api/redoc/", "/api/me/"))
                self.assertEqual(policy.get("style-src"), ["'self'", "'unsafe-inline'"] if relaxed else ["'self'"])
                self.assertEqual(policy.get("worker-src"), ["'self'", "blob:"] if path == "/api/redoc/" else ["'self'"])

    def test_the_docs_pages_have_no_inline_script(self):
        self.client.force_login(self.admin_a)
        for path in ("/api/docs/", "/api/redoc/", "/desk/", "/admin/"):
            with self.subTest(path=path):
                html = self.client.get(path).content.decode()
                inline = [tag for tag in re.findall(r"<script\b[^>]*>", html)
                          if "src=" not in tag and 'type="application/json"' not in tag]
                self.assertEqual(inline, [])

    def test_api_answers_and_error_pages_carry_it_too(self):
        for path in ("/api/me/", "/no-such-page/"):
            with self.subTest(path=path):
                self.assertIn("default-src 'self'", Client().get(path).headers.get("Content-Security-Policy", ""))
