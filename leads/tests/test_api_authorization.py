"""Who may call what: every actor × every leads endpoint × the expected status, as subtests."""

import datetime

from django.db import transaction
from django.utils import timezone

from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory, LoanCommitmentFactory

IN_SCOPE = "in scope"
OUT_OF_SCOPE = "out of scope"


def _endpoints(test, lead, commitment):
    """name → (method, url, body, status in scope, status out of scope, ids a list shows or None)."""
    today = timezone.localdate().isoformat()
    results = lambda data: {row["id"] for row in data["results"]}  # noqa: E731
    overdue_leads = lambda data: {row["lead"] for row in data["results"]}  # noqa: E731
    put_body = {"customer_name": "New Name", "contact_number": "03001112233", "branch": lead.branch_id}
    return {
        "create": (
            "post",
            test.url("create"),
            {"customer_name": "Walk In", "contact_number": "0300 7654321", "branch": lead.branch_id},
            201,
            400,
            None,
        ),
        "list": ("get", test.url("list") , None, 200, 200, results),
        "detail": ("get", test.url("detail", lead.pk), None, 200, 404, None),
        "update (PUT)": ("put", test.url("update", lead.pk), put_body, 200, 404, None),
        "update (PATCH)": ("patch", test.url("update", lead.pk), {"area": "Saddar"}, 200, 404, None),
        "followup": ("post", test.url("followup"), {"lead": lead.pk, "remarks": "Called."}, 201, 400, None),
        "loan-promise (add)": (
            "post",
            test.url("loan-promise"),
            {"lead": lead.pk, "amount": "500.00", "promised_clear_date": today},
            201,
            400,
            None,
        ),
        "loan-promise (update)": (
            "post",
            test.url("loan-promise"),
            {"id": commitment.pk, "amount": "750.00"},
            200,
            404,
            None,
        ),
        "search": ("get", test.url("search") + f"?passport={lead.passport_number}", None, 200, 200, results),
        "convert": ("put", test.url("convert", lead.pk), {}, 200, 404, None),
        "lost": ("put", test.url("lost", lead.pk), {"lost_reason": "Went elsewhere"}, 200, 404, None),
        "followup/today": ("get", test.url("followup-today") , None, 200, 200, results),
        "overdue-loans": ("get", test.url("overdue-loans") , None, 200, 200, overdue_leads),
        "lead followups": ("get", test.url("lead-followups", lead.pk), None, 200, 404, None),
        "lead loan commitments": ("get", test.url("lead-loan-commitments", lead.pk), None, 200, 404, None),
        "loan-promise clear": ("put", test.url("loan-promise-clear", commitment.pk), None, 200, 404, None),
        "loan-promise cancel": ("put", test.url("loan-promise-cancel", commitment.pk), None, 200, 404, None),
    }


class AuthorizationTableTests(LeadsAPITestCase):
    def actors(self):
        return {
            "anonymous": (None, 401),
            "signed in, no membership": (self.nobody, 403),
            "branch user of the lead's branch": (self.user_a1, IN_SCOPE),
            "branch user of another branch": (self.user_a2, OUT_OF_SCOPE),
            "org admin of the lead's organization": (self.admin_a, IN_SCOPE),
            "org admin of another organization": (self.admin_b, OUT_OF_SCOPE),
            "staff": (self.staff, IN_SCOPE),
            "superuser": (self.superuser, IN_SCOPE),
        }

    def test_every_actor_on_every_endpoint(self):
        for actor, (user, expectation) in self.actors().items():
            endpoint_names = _endpoints(self, self.lead, LoanCommitmentFactory(lead=self.lead)).keys()
            for endpoint in endpoint_names:
                with self.subTest(actor=actor, endpoint=endpoint), transaction.atomic():
                    # Each case runs on its own lead and is rolled back: no case changes another's outcome.
                    lead = LeadFactory(
                        branch=self.branch_a1, next_followup_date=timezone.localdate()
                    )
                    commitment = LoanCommitmentFactory(
                        lead=lead, promised_clear_date=timezone.localdate() - datetime.timedelta(days=3)
                    )
                    method, url, body, ok, hidden, shown_ids = _endpoints(self, lead, commitment)[endpoint]
                    expected = {IN_SCOPE: ok, OUT_OF_SCOPE: hidden}.get(expectation, expectation)
                    self.login(user)
                    response = getattr(self.client, method)(url, body)
                    self.assertStatus(response, expected)
                    if shown_ids is not None and response.status_code == 200:
                        self.assertEqual(lead.pk in shown_ids(response.data), expectation == IN_SCOPE)
                    if response.status_code in (401, 403, 404):
                        self.assertEqual(set(response.data), {"detail"})
                    if response.status_code == 404:
                        self.assertEqual(response.data["detail"], "Not found.")
                    transaction.set_rollback(True)

    def test_anonymous_gets_a_token_challenge(self):
        response = self.client.get(self.url("list"))
        self.assertStatus(response, 401)
        self.assertEqual(response["WWW-Authenticate"], "Token")
