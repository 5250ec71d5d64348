"""/desk/ and its deep links answer the page that starts the built desk; its assets are static files.

Needs the desk built (`make desk`; `make test` builds it first), as production does before collectstatic.
"""

import json
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
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


class DeskFirstScreenTests(APITestCase):
    """What the page carries so the first screen needs no avoidable round trip (desk/views.py)."""

    client_class = Client

    def manifest(self) -> dict:
        return json.loads(manifest_path().read_text())

    def embedded_me(self, html: str):
        found = re.findall(r'<script id="desk-me" type="application/json">(.*?)</script>', html, re.DOTALL)
        return json.loads(found[0]) if found else None

    def test_a_signed_in_page_carries_what_api_me_answers_as_a_data_block(self):
        from leads.tests.factories import BranchFactory
        from organizations.models import Membership, MembershipRole

        branch = BranchFactory()
        user = get_user_model().objects.create_user("desk_user", password="pw-123456789")
        Membership.objects.create(user=user, organization=branch.organization, branch=branch, role=MembershipRole.BRANCH_USER)
        self.client.force_login(user)
        response = self.client.get("/desk/find?q=Ali")
        self.assertEqual(self.embedded_me(response.content.decode()), self.client.get("/api/me/").json())
        cache_control = response["Cache-Control"]
        self.assertIn("private", cache_control)
        self.assertIn("no-cache", cache_control)

    def test_an_anonymous_page_carries_nobody(self):
        html = self.client.get("/desk/").content.decode()
        self.assertIsNone(self.embedded_me(html))
        self.assertNotIn("desk-me", html)

    def test_the_page_preloads_the_chunks_of_the_page_its_address_opens(self):
        manifest = self.manifest()
        cases = {
            "/desk/": "src/app/routes/my-day.tsx",
            "/desk/signin?next=%2F": "src/app/routes/sign-in.tsx",
            "/desk/leads/12": "src/app/routes/lead.tsx",
            "/desk/leads/new": "src/app/routes/new-lead.tsx",
            "/desk/dashboard": "src/app/routes/dashboard.tsx",
        }
        for path, module in cases.items():
            with self.subTest(path=path):
                html = self.client.get(path).content.decode()
                preloaded = re.findall(r'<link rel="modulepreload" href="/static/desk/([^"]+)">', html)
                self.assertEqual(preloaded[0], manifest[module]["file"])
                expected = {manifest[key]["file"] for key in manifest[module].get("imports", []) if key != "src/main.tsx"}
                self.assertLessEqual(expected, set(preloaded))
                self.assertNotIn(manifest["src/main.tsx"]["file"], preloaded)  # the entry is the module script
        # Chart.js is the dashboard's own lazy chunk: never preloaded on the way in.
        charts = manifest["src/features/team/components/Charts.tsx"]["file"]
        self.assertNotIn(charts, self.client.get("/desk/dashboard").content.decode())
        self.assertNotIn("modulepreload", self.client.get("/desk/no/such/page").content.decode())


class DeskAssetCachingTests(APITestCase):
    """Vite's hashed names are immutable (desk/static_files.py); other static files keep the short max-age."""

    client_class = Client

    def test_vite_assets_are_cached_for_good_and_other_files_briefly(self):
        with tempfile.TemporaryDirectory() as root:
            storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
            with override_settings(STATIC_ROOT=root, STORAGES=storages, DEBUG=False):
                call_command("collectstatic", interactive=False, verbosity=0)
                client = Client()
                (script,) = MODULE_SCRIPT.findall(client.get("/desk/").content.decode())
                self.assertIn("immutable", client.get(script)["Cache-Control"])
                self.assertIn("max-age=315360000", client.get(script)["Cache-Control"])
                unhashed = client.get("/static/desk/manifest.json")
                self.assertEqual(unhashed.status_code, 200)
                self.assertNotIn("immutable", unhashed["Cache-Control"])
