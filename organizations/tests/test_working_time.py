"""An organization's working time: `GET`/`PUT /api/organizations/<id>/working-time/`, the admin, and the one-query
load the lead services use."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APITestCase

from organizations.models import DEFAULT_WORKING_DAYS, Organization, OrganizationHoliday, mask_of
from organizations.tests.factories import BranchFactory, UserFactory, branch_manager, branch_user, org_admin


def body(**changes):
    return {
        "first_contact_hours": 2, "working_days": ["mon", "tue", "wed", "thu", "fri"], "opens_at": "10:00",
        "closes_at": "17:30", "holiday_country": "PK",
        "days": [{"date": (timezone.localdate() + timedelta(days=3)).isoformat(), "name": "Local holiday"}],
        **changes,
    }


class WorkingTimeAPITests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        cls.branch = BranchFactory()
        cls.organization = cls.branch.organization
        cls.admin = org_admin(cls.organization)
        cls.manager = branch_manager(cls.branch)
        cls.member = branch_user(cls.branch)
        cls.stranger = org_admin(BranchFactory().organization)
        cls.staff = UserFactory(is_staff=True)
        cls.nobody = UserFactory()

    def url(self, organization=None):
        return reverse("organizations:working-time", args=[(organization or self.organization).pk])

    def as_user(self, user):
        self.client.force_authenticate(user=get_user_model().objects.get(pk=user.pk) if user else None)

    def test_the_defaults_are_monday_to_saturday_nine_to_six_with_pakistans_holidays(self):
        self.as_user(self.admin)
        data = self.client.get(self.url()).data
        self.assertEqual(
            {key: data[key] for key in ("first_contact_hours", "working_days", "opens_at", "closes_at",
                                        "holiday_country", "days")},
            {"first_contact_hours": 4, "working_days": ["mon", "tue", "wed", "thu", "fri", "sat"],
             "opens_at": "09:00", "closes_at": "18:00", "holiday_country": "PK", "days": []},
        )
        self.assertIn("Independence Day", {holiday["name"] for holiday in data["public_holidays"]})
        self.assertEqual(data["time_zone"], "Asia/Karachi")

    def test_who_may_read_and_who_may_replace(self):
        table = [
            (None, 401, 401), (self.nobody, 403, 403), (self.stranger, 404, 404), (self.member, 200, 403),
            (self.manager, 200, 403), (self.admin, 200, 200), (self.staff, 200, 200),
        ]
        for user, read, write in table:
            with self.subTest(user=getattr(user, "username", None)):
                self.as_user(user)
                self.assertEqual(self.client.get(self.url()).status_code, read)
                self.assertEqual(self.client.put(self.url(), body(), format="json").status_code, write)

    def test_an_org_admin_replaces_it_and_the_next_read_shows_it(self):
        self.as_user(self.admin)
        OrganizationHoliday.objects.create(organization=self.organization, date=timezone.localdate(), name="Old")
        response = self.client.put(self.url(), body(), format="json")
        self.assertEqual(response.status_code, 200, response.data)
        self.organization.refresh_from_db()
        self.assertEqual(self.organization.working_days, mask_of(range(5)))
        self.assertEqual((self.organization.first_contact_hours, str(self.organization.closes_at)), (2, "17:30:00"))
        self.assertEqual(list(self.organization.holiday_overrides.values_list("name", "closed")),
                         [("Local holiday", True)])
        self.assertEqual(self.client.get(self.url()).data["days"], response.data["days"])

    def test_a_worked_public_holiday_is_shown_as_worked(self):
        self.as_user(self.admin)
        independence_day = next(h for h in self.client.get(self.url()).data["public_holidays"]
                                if h["name"] == "Independence Day")
        days = [{"date": independence_day["date"], "closed": False, "name": "Open for Hajj bookings"}]
        response = self.client.put(self.url(), body(days=days), format="json")
        worked = [h for h in response.data["public_holidays"] if h["date"] == independence_day["date"]]
        self.assertEqual([h["worked"] for h in worked], [True])

    def test_bad_values_are_a_400_naming_the_field(self):
        self.as_user(self.admin)
        today = timezone.localdate().isoformat()
        cases = [
            ({"closes_at": "08:00"}, "closes_at"),
            ({"holiday_country": "XX"}, "holiday_country"),
            ({"working_days": []}, "working_days"),
            ({"working_days": ["someday"]}, "working_days"),
            ({"first_contact_hours": 0}, "first_contact_hours"),
            ({"days": [{"date": today}, {"date": today, "closed": False}]}, "days"),
            ({"days": [{"date": "0001-01-01"}]}, "days"),
        ]
        for changes, field in cases:
            with self.subTest(changes=changes):
                response = self.client.put(self.url(), body(**changes), format="json")
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.data)
        self.organization.refresh_from_db()
        self.assertEqual(self.organization.working_days, DEFAULT_WORKING_DAYS)


class WorkingTimeAdminTests(TestCase):
    def test_staff_set_the_working_days_as_boxes_and_add_a_holiday_inline(self):
        organization = BranchFactory().organization
        staff = UserFactory(is_staff=True, is_superuser=True)
        self.client.force_login(staff)
        day = timezone.localdate() + timedelta(days=10)
        response = self.client.post(reverse("admin:organizations_organization_change", args=[organization.pk]), {
            "name": organization.name, "currency": "PKR", "first_contact_hours": "3",
            "working_days": ["0", "1", "2", "3", "4"], "opens_at": "09:30", "closes_at": "17:00",
            "holiday_country": "PK",
            "holiday_overrides-TOTAL_FORMS": "1", "holiday_overrides-INITIAL_FORMS": "0",
            "holiday_overrides-0-date": day.isoformat(), "holiday_overrides-0-name": "Eid (observed)",
            "holiday_overrides-0-closed": "on",
        })
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context.get("errors"))
        organization = Organization.objects.get(pk=organization.pk)
        self.assertEqual((organization.working_days, organization.first_contact_hours), (mask_of(range(5)), 3))
        self.assertEqual(list(organization.holiday_overrides.values_list("date", "closed")), [(day, True)])
