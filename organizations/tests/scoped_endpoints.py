"""One reusable test base for every branch-scoped endpoint (after NetBox's `utilities/testing/api.py`).

A subclass names one endpoint and how to make a row of it in a given branch; the base then proves the
three promises of scope for it: no membership → 403 (anonymous → 401), another tenant's row → 404 (or
400 on the field naming it, or simply not listed), and a list shows only rows in scope. Then every
actor against a row of one branch, as subtests: anonymous, no membership, a member of the branch, of
a sister branch, of another tenant, and the organization's admin.
"""

from django.contrib.auth import get_user_model

from organizations.tests.factories import BranchFactory, OrganizationFactory, UserFactory, branch_user, org_admin


class ScopedEndpointTestBase:
    """Mix into an `APITestCase`. Set `method`, `ok_status`, `other_tenant_status` and implement `make(branch)` and `request_for(row)`.

    `request_for(row)` answers `(url, body)` acting on `row`; for a list, `listed_ids(response)` answers the
    ids it shows and `row_id(row)` the id a row shows under. `other_tenant_status` is 404 for a row named on
    the path, 400 for one named in the body, or `ok_status` for a list (the row must then be absent).
    """

    method = "get"
    request_format = "json"  # of a body; "multipart" for an upload
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
        cls.sister = BranchFactory(organization=cls.home.organization, code="A2")
        cls.sister_member = branch_user(cls.sister, user=UserFactory(username="scoped_sister"))
        cls.outsider = branch_user(cls.elsewhere, user=UserFactory(username="scoped_outsider"))
        cls.home_admin = org_admin(cls.home.organization, user=UserFactory(username="scoped_org_admin"))

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
        return getattr(self.client, self.method)(url, body, format=self.request_format if body is not None else None)

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

    def actor_statuses(self) -> dict:
        """Who calls about a row of the home branch → the status they get (and, on a list, whether it shows)."""
        return {
            "anonymous": (None, 401),
            "no membership": (self.nobody, self.no_membership_status),
            "member of the branch": (self.member, self.ok_status),
            "organization admin": (self.home_admin, self.ok_status),
            "member of a sister branch": (self.sister_member, self.other_tenant_status),
            "member of another tenant": (self.outsider, self.other_tenant_status),
        }

    def test_each_actor_gets_the_status_of_its_scope(self):
        for actor, (user, expected) in self.actor_statuses().items():
            with self.subTest(actor=actor):
                row = self.make(self.home)
                response = self.call(user, row)
                self.assertEqual(response.status_code, expected, getattr(response, "data", None))
                if self.is_list and expected == self.ok_status:
                    self.assertEqual(self.row_id(row) in self.listed_ids(response), self.lists_home_rows(user))

    def lists_home_rows(self, user) -> bool:
        """Whether a list shows `user` the home branch's rows."""
        return user in (self.member, self.home_admin)
