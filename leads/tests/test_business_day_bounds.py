"""Days named in a query are business days between 1900 and 2999: `0001-01-01` or `9999-12-31`
(whose arithmetic overflows Python's dates) is a 400 naming the parameter, never a 500."""

from rest_framework.test import APITestCase

from organizations.tests.factories import BranchFactory, branch_user

ABSURD_DAYS = ("0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01")
MESSAGE = "Enter a day between 1900-01-01 and 2999-12-31."


class BusinessDayBoundsTests(APITestCase):
    def setUp(self):
        self.client.force_authenticate(branch_user(BranchFactory()))

    def assert_refused(self, path: str, parameter: str, day: str):
        response = self.client.get(path, {parameter: day})
        self.assertEqual(response.status_code, 400, (path, parameter, day, response.content))
        self.assertEqual(response.data, {parameter: [MESSAGE]})

    def test_reports_refuse_absurd_days_naming_the_parameter(self):
        for path, parameter in (
            ("/api/leads/reports/aging/", "as_of"),
            ("/api/leads/reports/summary/", "from"),
            ("/api/leads/reports/summary/", "to"),
        ):
            for day in ABSURD_DAYS:
                with self.subTest(path=path, parameter=parameter, day=day):
                    self.assert_refused(path, parameter, day)

    def test_list_filters_refuse_absurd_days_naming_the_parameter(self):
        for path, parameter in (
            ("/api/leads/list/", "next_followup_date"),
            ("/api/leads/list/", "next_followup_date_after"),
            ("/api/leads/list/", "next_followup_date_before"),
            ("/api/leads/list/", "created_at_after"),
            ("/api/leads/list/", "created_at_before"),
            ("/api/bookings/", "created_from"),
            ("/api/bookings/", "created_to"),
        ):
            for day in ("0001-01-01", "9999-12-31"):
                with self.subTest(path=path, parameter=parameter, day=day):
                    self.assert_refused(path, parameter, day)

    def test_the_edges_of_the_range_are_answered(self):
        self.assertEqual(self.client.get("/api/leads/reports/aging/", {"as_of": "1900-01-01"}).status_code, 200)
        self.assertEqual(self.client.get("/api/leads/list/", {"next_followup_date_after": "2999-12-31"}).status_code, 200)
        self.assertEqual(self.client.get("/api/bookings/", {"created_from": "1900-01-01"}).status_code, 200)
