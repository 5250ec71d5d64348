from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework import status
from rest_framework.test import APITestCase, APITransactionTestCase

from booking.models import Booking, BookingStatus
from booking.tests.factories import BookingFactory
from leads.models import Lead, LeadSource, LeadStatus
from leads.services import LeadService
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, UserFactory, branch_user, org_admin

BOOKINGS_URL = reverse("booking:list-create")


def booking_body(branch_obj, **overrides):
    body = {
        "branch": branch_obj.pk,
        "customer_name": "Hamza Siddiqui",
        "passport_number": "ab 123 4567",
        "contact_number": "0300 1234567",
        "cnic": "3520212345671",
        "total_amount": "350000.00",
        "paid_amount": "200000.00",
    }
    body.update(overrides)
    return body


class BookingApiTestCase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        cls.branch = BranchFactory()
        cls.sibling_branch = BranchFactory(organization=cls.branch.organization)
        cls.foreign_branch = BranchFactory()
        cls.user = branch_user(cls.branch)

    def post_booking(self, body, user=None):
        """POST as `user` (the branch user by default) and run what the booking's commit triggers."""
        self.client.force_authenticate(user or self.user)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(BOOKINGS_URL, body, format="json")


class BookingAccessTests(BookingApiTestCase):
    def test_who_may_list_and_create_bookings(self):
        nobody = UserFactory()
        staff = UserFactory(is_staff=True)
        table = [
            # actor, method, expected status
            (None, "get", status.HTTP_401_UNAUTHORIZED),
            (None, "post", status.HTTP_401_UNAUTHORIZED),
            (nobody, "get", status.HTTP_403_FORBIDDEN),
            (nobody, "post", status.HTTP_403_FORBIDDEN),
            (self.user, "get", status.HTTP_200_OK),
            (self.user, "post", status.HTTP_201_CREATED),
            (org_admin(self.branch.organization), "post", status.HTTP_201_CREATED),
            (staff, "get", status.HTTP_200_OK),
        ]
        for actor, method, expected in table:
            with self.subTest(actor=getattr(actor, "username", "anonymous"), method=method):
                self.client.force_authenticate(actor)
                body = booking_body(self.branch, passport_number="", contact_number="0300 7654321")
                response = getattr(self.client, method)(BOOKINGS_URL, body if method == "post" else None, format="json")
                self.assertEqual(response.status_code, expected, response.content)

    def test_anonymous_request_creates_nothing(self):
        self.client.force_authenticate(None)
        self.client.post(BOOKINGS_URL, booking_body(self.branch), format="json")
        self.assertFalse(Booking.objects.exists())


class BookingCreateTests(BookingApiTestCase):
    def test_branch_user_creates_a_booking_with_normalised_identity_data(self):
        response = self.post_booking(booking_body(self.branch))

        self.assertEqual(response.status_code, status.HTTP_201_CREATED, response.content)
        booking = Booking.objects.get()
        self.assertEqual(response.data["id"], booking.pk)
        self.assertRegex(response.data["reference"], r"^BK-[A-Z0-9]{10}$")
        self.assertEqual(
            {key: response.data[key] for key in ("passport_number", "cnic", "contact_number", "branch", "organization")},
            {
                "passport_number": "AB1234567",
                "cnic": "35202-1234567-1",
                "contact_number": "+923001234567",
                "branch": self.branch.pk,
                "organization": self.branch.organization_id,
            },
        )
        self.assertEqual((response.data["status"], response.data["created_by"]), (BookingStatus.PENDING, self.user.pk))
        self.assertEqual((booking.total_amount, booking.paid_amount), (Decimal("350000.00"), Decimal("200000.00")))

    def test_new_booking_creates_a_converted_booking_lead(self):
        response = self.post_booking(booking_body(self.branch))

        lead = Lead.objects.get()
        self.assertEqual(lead.booking_id, response.data["id"])
        self.assertEqual((lead.lead_status, lead.lead_source), (LeadStatus.CONVERTED, LeadSource.BOOKING))

    def test_two_bookings_with_the_same_passport_make_one_lead_linked_to_the_later(self):
        first = self.post_booking(booking_body(self.branch))
        second = self.post_booking(booking_body(self.branch, contact_number="0333 1112223"))

        self.assertEqual((first.status_code, second.status_code), (201, 201))
        self.assertEqual(Booking.objects.count(), 2)
        lead = Lead.objects.get()
        self.assertEqual(lead.booking_id, second.data["id"])
        # The earlier booking still names its customer's lead.
        listed = self.client.get(BOOKINGS_URL).data["results"]
        self.assertEqual({row["id"]: row["lead"] for row in listed}, {first.data["id"]: lead.pk, second.data["id"]: lead.pk})

    def test_booking_matching_an_existing_leads_passport_converts_that_lead(self):
        lead = LeadFactory(branch=self.branch, passport_number="AB1234567")

        response = self.post_booking(booking_body(self.branch))

        lead.refresh_from_db()
        self.assertEqual(Lead.objects.count(), 1)
        self.assertEqual((lead.booking_id, lead.lead_status), (response.data["id"], LeadStatus.CONVERTED))

    def test_booking_is_created_when_the_lead_automation_fails(self):
        with mock.patch.object(LeadService, "auto_create_from_booking", side_effect=RuntimeError("boom")):
            with self.assertLogs("leads", level="ERROR") as logs:
                response = self.post_booking(booking_body(self.branch))

        self.assertEqual(response.status_code, status.HTTP_201_CREATED, response.content)
        self.assertTrue(Booking.objects.filter(pk=response.data["id"]).exists())
        self.assertFalse(Lead.objects.exists())
        self.assertIn(response.data["reference"], logs.output[0])

    def test_branch_outside_the_callers_scope_is_a_400_like_an_unknown_id(self):
        foreign = self.post_booking(booking_body(self.foreign_branch))
        unknown = self.post_booking(booking_body(self.branch, branch=999999))

        self.assertEqual(foreign.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(list(foreign.data), ["branch"])
        self.assertEqual(
            str(foreign.data["branch"][0]).replace(str(self.foreign_branch.pk), "N"),
            str(unknown.data["branch"][0]).replace("999999", "N"),
        )
        self.assertFalse(Booking.objects.exists())

    def test_org_admin_may_book_in_any_branch_of_their_organization(self):
        admin = org_admin(self.branch.organization)
        response = self.post_booking(booking_body(self.sibling_branch), user=admin)
        self.assertEqual(response.status_code, status.HTTP_201_CREATED, response.content)
        self.assertEqual(response.data["branch"], self.sibling_branch.pk)

    def test_invalid_input_is_a_400_naming_the_field(self):
        cases = [
            ({"passport_number": "AB-12#"}, "passport_number"),
            ({"cnic": "12345"}, "cnic"),
            ({"contact_number": "12"}, "contact_number"),
            ({"contact_number": ""}, "contact_number"),
            ({"customer_name": ""}, "customer_name"),
            ({"customer_name": "x" * 201}, "customer_name"),
            ({"total_amount": "-1"}, "total_amount"),
            ({"total_amount": "abc"}, "total_amount"),
            ({"total_amount": "1e400"}, "total_amount"),
            ({"paid_amount": "-0.01"}, "paid_amount"),
            ({"paid_amount": "350000.01", "total_amount": "350000.00"}, "paid_amount"),
            ({"status": "bogus"}, "status"),
            ({"branch": "abc"}, "branch"),
            ({"branch": None}, "branch"),
            ({"branch": [1]}, "branch"),
            ({"branch": 2**70}, "branch"),
            ({"branch": -1}, "branch"),
            ({"customer_name": {"a": 1}}, "customer_name"),
        ]
        for overrides, field in cases:
            with self.subTest(overrides=overrides):
                response = self.post_booking(booking_body(self.branch, **overrides))
                self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST, response.content)
                self.assertIn(field, response.data)
        self.assertFalse(Booking.objects.exists())

    def test_missing_required_fields_are_named(self):
        response = self.post_booking({})
        self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(
            set(response.data), {"branch", "customer_name", "contact_number", "total_amount"}
        )

    def test_malformed_bodies_are_400_not_500(self):
        self.client.force_authenticate(self.user)
        for body, content_type in [("[1, 2]", "application/json"), ("{not json", "application/json"), ('"x"', "application/json")]:
            with self.subTest(body=body):
                response = self.client.post(BOOKINGS_URL, body, content_type=content_type)
                self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)

    def test_paid_amount_defaults_to_zero_and_equal_to_total_is_allowed(self):
        body = booking_body(self.branch, total_amount="1000.00")
        del body["paid_amount"]
        self.assertEqual(self.post_booking(body).data["paid_amount"], "0.00")
        full = self.post_booking(booking_body(self.branch, total_amount="1000.00", paid_amount="1000.00",
                                              passport_number="", contact_number="0300 7654321"))
        self.assertEqual(full.status_code, status.HTTP_201_CREATED, full.content)


class BookingListTests(BookingApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.own = BookingFactory(branch=cls.branch)
        cls.sibling = BookingFactory(branch=cls.sibling_branch)
        cls.foreign = BookingFactory(branch=cls.foreign_branch)

    def list_ids(self, user, **params):
        self.client.force_authenticate(user)
        response = self.client.get(BOOKINGS_URL, params)
        self.assertEqual(response.status_code, status.HTTP_200_OK, response.content)
        return {row["id"] for row in response.data["results"]}

    def test_branch_user_sees_only_their_branchs_bookings(self):
        self.assertEqual(self.list_ids(self.user), {self.own.pk})

    def test_org_admin_sees_every_branch_of_their_organization_only(self):
        admin = org_admin(self.branch.organization)
        self.assertEqual(self.list_ids(admin), {self.own.pk, self.sibling.pk})

    def test_staff_sees_every_booking(self):
        self.assertEqual(self.list_ids(UserFactory(is_staff=True)), {self.own.pk, self.sibling.pk, self.foreign.pk})

    def test_filter_by_branch_id_stays_within_scope(self):
        admin = org_admin(self.branch.organization)
        self.assertEqual(self.list_ids(admin, branch_id=self.sibling_branch.pk), {self.sibling.pk})
        self.assertEqual(self.list_ids(admin, branch_id=self.foreign_branch.pk), set())

    def test_bad_filter_values_are_400(self):
        self.client.force_authenticate(self.user)
        for params in ({"branch_id": "abc"}, {"branch_id": "1.5"}, {"status": "bogus"}, {"created_from": "yesterday"}):
            with self.subTest(params=params):
                response = self.client.get(BOOKINGS_URL, params)
                self.assertEqual(response.status_code, status.HTTP_400_BAD_REQUEST)
                self.assertIn(next(iter(params)), response.data)

    def test_booking_without_a_linked_lead_or_passport_lead_shows_none(self):
        self.client.force_authenticate(self.user)
        LeadFactory(passport_number=self.own.passport_number)  # another organization's: never shown
        self.assertIsNone(self.client.get(BOOKINGS_URL).data["results"][0]["lead"])

    def test_customer_lead_outside_the_callers_branches_is_never_named(self):
        # The customer's lead lives in the sibling branch: its org admin sees the id, the branch user None.
        sibling_lead = LeadFactory(branch=self.sibling_branch, passport_number=self.own.passport_number)
        admin = org_admin(self.branch.organization)
        for user, expected in ((self.user, None), (admin, sibling_lead.pk)):
            with self.subTest(user=user.username):
                self.client.force_authenticate(get_user_model().objects.get(pk=user.pk))
                rows = {row["id"]: row["lead"] for row in self.client.get(BOOKINGS_URL).data["results"]}
                self.assertEqual(rows[self.own.pk], expected)

    def test_bad_page_size_is_400_and_a_page_past_the_end_is_404(self):
        self.client.force_authenticate(self.user)
        self.assertEqual(self.client.get(BOOKINGS_URL, {"page_size": "0"}).status_code, status.HTTP_400_BAD_REQUEST)
        self.assertEqual(self.client.get(BOOKINGS_URL, {"page": "99"}).status_code, status.HTTP_404_NOT_FOUND)

    def test_list_is_paginated_and_shows_the_linked_lead(self):
        lead = LeadFactory(branch=self.branch, booking=self.own)
        self.client.force_authenticate(self.user)
        response = self.client.get(BOOKINGS_URL)
        self.assertEqual(set(response.data), {"count", "next", "previous", "results"})
        self.assertEqual(response.data["count"], 1)
        self.assertEqual(response.data["results"][0]["lead"], lead.pk)
        self.assertEqual(response.data["results"][0]["reference"], self.own.reference)

    def test_list_query_count_does_not_grow_with_the_page(self):
        for _ in range(12):
            LeadFactory(branch=self.branch, booking=BookingFactory(branch=self.branch))
        counts = []
        for page_size in (2, 10):
            # A fresh user object per request: the visible branch ids are memoised on it.
            self.client.force_authenticate(get_user_model().objects.get(pk=self.user.pk))
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(BOOKINGS_URL, {"page_size": page_size})
            self.assertEqual(len(response.data["results"]), page_size)
            counts.append(len(queries))
        # The membership lookup (visible branches), the count, and the page with each booking's lead id.
        self.assertEqual(counts, [3, 3])


class BookingCreateOverHttpCommitTests(APITransactionTestCase):
    """Real commits (no test transaction around the request): the response already names the lead."""

    def test_created_booking_response_names_its_lead(self):
        branch = BranchFactory()
        existing = LeadFactory(branch=branch, passport_number="AB1234567")
        self.client.force_authenticate(branch_user(branch))

        response = self.client.post(BOOKINGS_URL, booking_body(branch), format="json")

        self.assertEqual(response.status_code, status.HTTP_201_CREATED, response.content)
        self.assertEqual(response.data["lead"], existing.pk)
        existing.refresh_from_db()
        self.assertEqual((existing.booking_id, existing.lead_status), (response.data["id"], LeadStatus.CONVERTED))
