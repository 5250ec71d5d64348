"""/desk/ and its deep links answer the page that starts the built desk; its assets are static files.

Needs the desk built (`make desk`; `make test` builds it first), as production does before collectstatic.
"""

import json
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from rest_framework.test import APITestCase

from desk.views import MANIFEST, manifest_path

MODULE_SCRIPT = re.compile(r'<script type="module" src="(/static/desk/assets/[^"]+\.js)"></script>')


class DeskPageTests(APITestCase):
    client_class = Client

    def built_entry(self) -> dict:
        return json.loads(manifest_path().read_text())["src/main.tsx"]

    def test_the_desk_and_any_deep_link_answer_the_app_page(self):
        entry = self.built_entry()
        for path in ("/desk/", "/desk/leads/12", "/desk/find?q=0321+5550123", "/desk/no/such/page"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response["Content-Type"].startswith("text/html"))
                html = response.content.decode()
                self.assertEqual(MODULE_SCRIPT.findall(html), [f"/static/desk/{entry['file']}"])
                for css in entry.get("css", []):
                    self.assertIn(f'<link rel="stylesheet" href="/static/desk/{css}">', html)

    def test_an_anonymous_visitor_gets_the_app_and_a_csrf_cookie_for_its_sign_in(self):
        response = self.client.get("/desk/")
        self.assertEqual(response.status_code, 200)
        self.assertIn(settings.CSRF_COOKIE_NAME, response.cookies)

    def test_the_page_has_no_inline_script_and_loads_nothing_from_outside(self):
        html = self.client.get("/desk/dashboard").content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        self.assertTrue(scripts)
        self.assertTrue(all("src=" in tag for tag in scripts), scripts)
        self.assertFalse(re.findall(r'(?:src|href)="(?:https?:)?//', html))

    def test_only_reads_are_answered(self):
        self.assertEqual(self.client.post("/desk/leads/1").status_code, 405)

    def test_the_root_redirects_to_the_desk(self):
        self.assertRedirects(self.client.get("/"), "/desk/", fetch_redirect_response=False)


class DeskAssetsAfterCollectstaticTests(APITestCase):
    """As production serves them: DEBUG off, collectstatic with whitenoise's compressed manifest storage."""

    client_class = Client

    def test_the_entry_and_its_lazy_chunks_are_served_by_their_vite_names(self):
        with tempfile.TemporaryDirectory() as root:
            storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
            with override_settings(STATIC_ROOT=root, STORAGES=storages, DEBUG=False):
                call_command("collectstatic", interactive=False, verbosity=0)
                self.assertTrue((Path(root) / MANIFEST).is_file())
                client = Client()  # a new handler: whitenoise indexes STATIC_ROOT when it starts
                html = client.get("/desk/leads/7").content.decode()
                (script,) = MODULE_SCRIPT.findall(html)
                manifest = json.loads((Path(root) / MANIFEST).read_text())
                lazy = [f"/static/desk/{chunk['file']}" for chunk in manifest.values() if chunk.get("isDynamicEntry")]
                self.assertTrue(lazy)  # the pages are split off the entry
                for url in [script, *lazy]:
                    with self.subTest(url=url):
                        response = client.get(url)
                        self.assertEqual(response.status_code, 200)
                        self.assertIn("javascript", response["Content-Type"])
