"""The site's root: a visitor who opens the bare address lands on the branch desk."""

from django.test import TestCase


class RootUrlTests(TestCase):
    def test_the_root_redirects_to_the_desk(self):
        response = self.client.get("/")
        self.assertRedirects(response, "/desk/", status_code=302, target_status_code=200)

    def test_the_redirect_keeps_no_query_string_and_answers_head_too(self):
        self.assertEqual(self.client.get("/?passport=AB1234567")["Location"], "/desk/")
        self.assertEqual(self.client.head("/").status_code, 302)
