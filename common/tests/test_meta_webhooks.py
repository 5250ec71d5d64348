"""Meta's webhook checks shared by Lead Ads (intake) and WhatsApp (messaging): the signature and the subscription check."""

from django.test import SimpleTestCase, override_settings
from django.http import QueryDict
from rest_framework.exceptions import PermissionDenied

from common.meta_webhooks import meta_signature, meta_signature_valid, meta_subscription_challenge

SECRET = "app-secret-for-tests"


class MetaSignatureTests(SimpleTestCase):
    body = b'{"entry": []}'

    def test_only_the_right_signature_of_these_bytes_is_valid(self):
        right = meta_signature(body=self.body, app_secret=SECRET)
        cases = {
            "right": (right, True),
            "upper-case hex": (right.upper().replace("SHA256=", "sha256="), True),
            "missing": (None, False),
            "other bytes": (meta_signature(body=self.body + b" ", app_secret=SECRET), False),
            "other secret": (meta_signature(body=self.body, app_secret="other"), False),
            "no prefix": (right[len("sha256="):], False),
            "sha1": ("sha1=" + right[len("sha256="):], False),
            "short": (right[:-2], False),
            "not hex": (right[:-1] + "z", False),
        }
        for name, (header, expected) in cases.items():
            with self.subTest(name):
                self.assertIs(meta_signature_valid(body=self.body, header=header, app_secret=SECRET), expected)

    def test_no_secret_configured_verifies_nothing(self):
        header = meta_signature(body=self.body, app_secret="")
        self.assertFalse(meta_signature_valid(body=self.body, header=header, app_secret=""))


@override_settings(META_VERIFY_TOKEN="verify-me")
class MetaSubscriptionChallengeTests(SimpleTestCase):
    def test_a_valid_check_gets_its_challenge_back(self):
        query = QueryDict("hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")
        self.assertEqual(meta_subscription_challenge(query), "1158201444")

    def test_anything_else_is_refused(self):
        for query in (
            "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
            "hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1",
            "hub.mode=subscribe&hub.verify_token=verify-me",
            "hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=" + "9" * 201,
        ):
            with self.subTest(query[:60]), self.assertRaises(PermissionDenied):
                meta_subscription_challenge(QueryDict(query))

    @override_settings(META_VERIFY_TOKEN="")
    def test_no_token_configured_refuses_every_check(self):
        with self.assertRaises(PermissionDenied):
            meta_subscription_challenge(QueryDict("hub.mode=subscribe&hub.verify_token=&hub.challenge=1"))
