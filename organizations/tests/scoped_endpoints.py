"""One reusable test base for every branch-scoped endpoint (after NetBox's `utilities/testing/api.py`).

A subclass names one endpoint and how to make a row of it in a given branch; the base then proves the
three promises of scope for it: no membership → 403 (anonymous → 401), another tenant's row → 404 (or
400 on the field naming it, or simply not listed), and a list shows only rows in scope.
"""

from django.contrib.auth import get_user_model

from organizations.tests.factories import BranchFactory, OrganizationFactory, UserFactory, branch_user


class ScopedEndpointTestBase:
    """Mix into an `APITestCase`. Set `method`, `ok_status`, `other_tenant_status` and implement `make(branch)` and `request_for(row)`.

    `request_for(row)` answers `(url, body)` acting on `row`; for a list, `listed_ids(response)` answers the
    ids it shows and `row_id(row)` the id a row shows under. `other_tenant_status` is 404 for a row named on
    the path, 400 for one named in the body, or `ok_status` for a list (the row must then be absent).
    """

    method = "get"
    ok_status = 200
    other_tenant_status = 404
    no_membership_status = 403
    is_list = False

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.home = BranchFactory(organization=OrganizationFactory(name="Alpha Travels"), code="A1")
        cls.elsewhere = BranchFactory(organization=OrganizationFactory(name="Bravo Tours"), code="B1")
        cls.member = branch_user(cls.home, user=UserFactory(username="scoped_member"))
        cls.nobody = UserFactory(username="scoped_nobody")

    def make(self, branch):
        raise NotImplementedError

    def request_for(self, row) -> tuple[str, dict | None]:
        raise NotImplementedError

    def listed_ids(self, response) -> set:
        return {item["id"] for item in response.data["results"]}

    def row_id(self, row):
        return row.pk

    def call(self, user, row):
        self.client.force_authenticate(get_user_model().objects.get(pk=user.pk) if user else None)
        url, body = self.request_for(row)
        return getattr(self.client, self.method)(url, body, format="json" if body is not None else None)

    def test_anonymous_is_401(self):
        self.assertEqual(self.call(None, self.make(self.home)).status_code, 401)

    def test_no_membership_is_403(self):
        self.assertEqual(self.call(self.nobody, self.make(self.home)).status_code, self.no_membership_status)

    def test_in_scope_row_answers(self):
        row = self.make(self.home)
        response = self.call(self.member, row)
        self.assertEqual(response.status_code, self.ok_status, getattr(response, "data", None))
        if self.is_list:
            self.assertIn(self.row_id(row), self.listed_ids(response))

    def test_other_tenants_row_does_not_exist_for_the_caller(self):
        row = self.make(self.elsewhere)
        response = self.call(self.member, row)
        self.assertEqual(response.status_code, self.other_tenant_status, getattr(response, "data", None))
        if self.is_list:
            self.assertNotIn(self.row_id(row), self.listed_ids(response))
        elif response.status_code == 404:
            self.assertEqual(response.data, {"detail": "Not found."})
