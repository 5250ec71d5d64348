"""Create, detail, update, convert, lost and search through the API."""

import datetime

from django.utils import timezone

from booking.tests.factories import BookingFactory
from leads.models import Lead, LeadStatus
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import FollowUpHistoryFactory, LeadFactory, LoanCommitmentFactory
from organizations.tests.factories import UserFactory, branch_user


class LeadCreateTests(LeadsAPITestCase):
    def setUp(self):
        self.login(self.user_a1)

    def create(self, **overrides):
        body = {"customer_name": "Ayesha Khan", "contact_number": "0301 2345678", "branch": self.branch_a1.pk}
        body.update(overrides)
        return self.client.post(self.url("create"), body)

    def test_creates_a_lead_with_normalised_identity_and_derived_organization(self):
        response = self.create(
            passport_number="ab 123 4567",
            cnic="3520212345671",
            organization=self.bravo.pk,
            lead_source="referral",
            next_followup_date=timezone.localdate().isoformat(),
        )
        self.assertStatus(response, 201)
        lead = Lead.objects.get(pk=response.data["id"])
        self.assertEqual(
            (lead.contact_number, lead.passport_number, lead.cnic), ("+923012345678", "AB1234567", "35202-1234567-1")
        )
        self.assertEqual(lead.organization, self.alpha)
        self.assertEqual(lead.created_by, self.user_a1)
        self.assertEqual(response.data["organization"], self.alpha.pk)
        self.assertEqual(response.data["lead_status"], "new")
        self.assertEqual(response.data["recent_followups"], [])

    def test_missing_required_fields_are_named(self):
        response = self.client.post(self.url("create"), {})
        self.assertStatus(response, 400)
        self.assertEqual(set(response.data), {"customer_name", "contact_number", "branch"})

    def test_bad_values_are_400_on_their_field(self):
        cases = {
            "contact_number": "12",
            "cnic": "1234",
            "passport_number": "AB-12!",
            "lead_source": "carrier_pigeon",
            "lead_status": "sleeping",
            "next_followup_date": "2026-02-30",
            "branch": 10**30,
            "assigned_to": "abc",
            "customer_name": "",
        }
        for field, value in cases.items():
            with self.subTest(field=field):
                response = self.create(**{field: value})
                self.assertStatus(response, 400)
                self.assertEqual(list(response.data), [field])

    def test_past_follow_up_date_is_refused(self):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        self.assertStatus(self.create(next_followup_date=yesterday.isoformat()), 400)

    def test_final_status_on_create_is_400(self):
        for status in ("converted", "lost"):
            with self.subTest(status=status):
                response = self.create(lead_status=status)
                self.assertStatus(response, 400)
                self.assertIn("lead_status", response.data)

    def test_branch_outside_scope_is_400_like_an_unknown_one(self):
        other = self.create(branch=self.branch_a2.pk)
        unknown = self.create(branch=999999)
        self.assertStatus(other, 400)
        self.assertStatus(unknown, 400)
        self.assertEqual(other.data["branch"][0].replace(str(self.branch_a2.pk), "X"), unknown.data["branch"][0].replace("999999", "X"))

    def test_duplicate_passport_in_the_organization_is_400(self):
        LeadFactory(branch=self.branch_a2, passport_number="AB1234567")
        response = self.create(passport_number="ab1234567")
        self.assertStatus(response, 400)
        self.assertIn("passport_number", response.data)

    def test_same_passport_in_another_organization_is_fine(self):
        LeadFactory(branch=self.branch_b1, passport_number="AB1234567")
        self.assertStatus(self.create(passport_number="AB1234567"), 201)

    def test_assignee_must_see_the_branch(self):
        colleague = branch_user(self.branch_a1)
        self.assertStatus(self.create(assigned_to=colleague.pk), 201)
        self.assertStatus(self.create(assigned_to=self.admin_a.pk, customer_name="Second"), 201)
        # A member of a sister branch exists for an org admin, but cannot open an A1 lead.
        self.login(self.admin_a)
        response = self.create(assigned_to=self.user_a2.pk, customer_name="Third")
        self.assertStatus(response, 400)
        self.assertIn("assigned_to", response.data)
        # A user of another organization is not even visible: 400 like an unknown id.
        self.assertStatus(self.create(assigned_to=self.user_b1.pk, customer_name="Fourth"), 400)
        self.assertStatus(self.create(assigned_to=UserFactory().pk, customer_name="Fifth"), 400)

    def test_staff_assignee_is_allowed(self):
        response = self.create(assigned_to=self.staff.pk)
        self.assertStatus(response, 201)
        self.assertEqual(response.data["assigned_to_username"], "staff")


class LeadDetailTests(LeadsAPITestCase):
    def test_detail_carries_everything_and_the_latest_ten_followups_and_commitments(self):
        for day in range(12):
            FollowUpHistoryFactory(
                lead=self.lead, followup_at=timezone.now() - datetime.timedelta(days=day), remarks=f"call {day}"
            )
            LoanCommitmentFactory(lead=self.lead)
        FollowUpHistoryFactory(lead=LeadFactory(branch=self.branch_a1))
        self.login(self.user_a1)
        with self.assertNumQueries(4):  # memberships, lead (+branch, assignee), follow-ups, commitments
            response = self.client.get(self.url("detail", self.lead.pk))
        self.assertStatus(response, 200)
        self.assertEqual(response.data["customer_name"], "Muhammad Asif")
        self.assertEqual(len(response.data["recent_followups"]), 10)
        self.assertEqual(response.data["recent_followups"][0]["remarks"], "call 0")
        self.assertEqual(len(response.data["recent_loan_commitments"]), 10)
        for field in ("address", "lost_reason", "converted_at", "lost_at", "created_by", "organization", "booking"):
            self.assertIn(field, response.data)

    def test_unknown_and_huge_ids_are_404(self):
        self.login(self.user_a1)
        for pk in (999999, 2**63 - 1, 10**30):
            with self.subTest(pk=pk):
                self.assertStatus(self.client.get(f"/api/leads/detail/{pk}/"), 404)


class LeadUpdateTests(LeadsAPITestCase):
    def setUp(self):
        self.login(self.user_a1)

    def test_patch_changes_only_given_fields_and_normalises(self):
        response = self.client.patch(self.url("update", self.lead.pk), {"contact_number": "0333 1234567", "area": "DHA"})
        self.assertStatus(response, 200)
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.contact_number, self.lead.area), ("+923331234567", "DHA"))
        self.assertEqual(self.lead.customer_name, "Muhammad Asif")

    def test_put_requires_the_required_fields(self):
        response = self.client.put(self.url("update", self.lead.pk), {"area": "DHA"})
        self.assertStatus(response, 400)
        self.assertEqual(set(response.data), {"customer_name", "contact_number", "branch"})

    def test_put_replaces_details_and_ignores_read_only_fields(self):
        body = {
            "customer_name": "Asif M.",
            "contact_number": "+923001234567",
            "branch": self.branch_a1.pk,
            "lead_status": "interested",
            "organization": self.bravo.pk,
            "created_by": self.user_b1.pk,
        }
        response = self.client.put(self.url("update", self.lead.pk), body)
        self.assertStatus(response, 200)
        self.lead.refresh_from_db()
        self.assertEqual((self.lead.customer_name, self.lead.lead_status), ("Asif M.", "interested"))
        self.assertEqual(self.lead.organization, self.alpha)
        self.assertIsNone(self.lead.created_by)

    def test_moving_to_a_sister_branch_in_scope_works_but_out_of_scope_is_400(self):
        self.login(self.admin_a)
        self.assertStatus(self.client.patch(self.url("update", self.lead.pk), {"branch": self.branch_a2.pk}), 200)
        response = self.client.patch(self.url("update", self.lead.pk), {"branch": self.branch_b1.pk})
        self.assertStatus(response, 400)
        self.assertIn("branch", response.data)
        self.login(self.user_a2)
        self.assertStatus(self.client.patch(self.url("update", self.lead.pk), {"branch": self.branch_a1.pk}), 400)

    def test_moving_the_branch_away_from_the_assignee_is_400(self):
        self.login(self.admin_a)
        self.lead.assigned_to = self.user_a1
        self.lead.save()
        response = self.client.patch(self.url("update", self.lead.pk), {"branch": self.branch_a2.pk})
        self.assertStatus(response, 400)
        self.assertIn("assigned_to", response.data)
        both = {"branch": self.branch_a2.pk, "assigned_to": self.user_a2.pk}
        self.assertStatus(self.client.patch(self.url("update", self.lead.pk), both), 200)

    def test_status_of_a_final_lead_cannot_change(self):
        self.lead.lead_status = LeadStatus.CONVERTED
        self.lead.save()
        response = self.client.patch(self.url("update", self.lead.pk), {"lead_status": "new"})
        self.assertStatus(response, 409)
        self.assertEqual(set(response.data), {"detail"})
        # Sending the status it already has (a GET-modify-PUT round trip) is fine.
        self.assertStatus(self.client.patch(self.url("update", self.lead.pk), {"lead_status": "converted", "area": "X"}), 200)

    def test_setting_a_final_status_through_update_is_400(self):
        response = self.client.patch(self.url("update", self.lead.pk), {"lead_status": "converted"})
        self.assertStatus(response, 400)
        self.assertIn("lead_status", response.data)

    def test_duplicate_passport_is_400(self):
        LeadFactory(branch=self.branch_a1, passport_number="ZZ9999999")
        response = self.client.patch(self.url("update", self.lead.pk), {"passport_number": "zz 999 9999"})
        self.assertStatus(response, 400)
        self.assertIn("passport_number", response.data)


class LeadConvertAndLostTests(LeadsAPITestCase):
    def setUp(self):
        self.login(self.user_a1)

    def test_convert_with_a_booking_then_again_is_a_no_op(self):
        booking = BookingFactory(branch=self.branch_a1)
        response = self.client.put(self.url("convert", self.lead.pk), {"booking": booking.pk})
        self.assertStatus(response, 200)
        self.assertEqual((response.data["lead_status"], response.data["booking"]), ("converted", booking.pk))
        converted_at = response.data["converted_at"]
        again = self.client.put(self.url("convert", self.lead.pk), {})
        self.assertStatus(again, 200)
        self.assertEqual(again.data["converted_at"], converted_at)

    def test_convert_with_an_out_of_scope_booking_is_400(self):
        for booking in (BookingFactory(branch=self.branch_a2), BookingFactory(branch=self.branch_b1)):
            with self.subTest(branch=booking.branch.code):
                response = self.client.put(self.url("convert", self.lead.pk), {"booking": booking.pk})
                self.assertStatus(response, 400)
                self.assertIn("booking", response.data)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.lead_status, LeadStatus.NEW)

    def test_staff_converting_with_another_organizations_booking_is_400(self):
        self.login(self.staff)
        response = self.client.put(self.url("convert", self.lead.pk), {"booking": BookingFactory(branch=self.branch_b1).pk})
        self.assertStatus(response, 400)
        self.assertIn("booking", response.data)

    def test_converting_a_lost_lead_is_409(self):
        self.assertStatus(self.client.put(self.url("lost", self.lead.pk), {"lost_reason": "Too expensive"}), 200)
        response = self.client.put(self.url("convert", self.lead.pk), {})
        self.assertStatus(response, 409)
        self.assertEqual(set(response.data), {"detail"})

    def test_losing_a_converted_lead_is_409(self):
        self.assertStatus(self.client.put(self.url("convert", self.lead.pk), {}), 200)
        self.assertStatus(self.client.put(self.url("lost", self.lead.pk), {"lost_reason": "Too expensive"}), 409)

    def test_lost_records_the_reason_and_requires_it(self):
        for body in ({}, {"lost_reason": ""}, {"lost_reason": "   "}):
            with self.subTest(body=body):
                response = self.client.put(self.url("lost", self.lead.pk), body)
                self.assertStatus(response, 400)
                self.assertEqual(list(response.data), ["lost_reason"])
        response = self.client.put(self.url("lost", self.lead.pk), {"lost_reason": "Booked with a competitor"})
        self.assertStatus(response, 200)
        self.assertEqual(response.data["lead_status"], "lost")
        self.assertEqual(response.data["lost_reason"], "Booked with a competitor")
        self.assertIsNotNone(response.data["lost_at"])

    def test_only_put_is_allowed(self):
        self.assertStatus(self.client.post(self.url("convert", self.lead.pk), {}), 405)
        self.assertStatus(self.client.get(self.url("lost", self.lead.pk)), 405)


class LeadSearchTests(LeadsAPITestCase):
    def setUp(self):
        self.login(self.user_a1)
        self.target = LeadFactory(
            branch=self.branch_a1, passport_number="AB1234567", contact_number="+923001234567", cnic="35202-1234567-1"
        )

    def search(self, **params):
        return self.client.get(self.url("search"), params)

    def test_matches_any_spelling_of_each_identity(self):
        for params in (
            {"passport": "ab 123 4567"},
            {"contact": "0300 1234567"},
            {"contact": "+92 300 1234567"},
            {"cnic": "3520212345671"},
            {"passport": "AB1234567", "contact": "03001234567"},
        ):
            with self.subTest(params=params):
                response = self.search(**params)
                self.assertStatus(response, 200)
                self.assertEqual([row["id"] for row in response.data["results"]], [self.target.pk])

    def test_every_given_parameter_must_match(self):
        response = self.search(passport="AB1234567", contact="03011111111")
        self.assertStatus(response, 200)
        self.assertEqual(response.data["results"], [])
        self.assertEqual(response.data["count"], 0)

    def test_no_parameter_is_400(self):
        for params in ({}, {"passport": ""}, {"other": "x"}):
            with self.subTest(params=params):
                response = self.search(**params)
                self.assertStatus(response, 400)
                self.assertIn("non_field_errors", response.data)

    def test_unparseable_values_are_400_on_the_parameter(self):
        for name, value in (("contact", "12"), ("passport", "A!"), ("cnic", "12-34"), ("contact", "0300\x001234567")):
            with self.subTest(name=name, value=value):
                response = self.search(**{name: value})
                self.assertStatus(response, 400)
                self.assertEqual(list(response.data), [name])

    def test_does_not_leak_other_branches(self):
        LeadFactory(branch=self.branch_a2, contact_number="+923001234567")
        LeadFactory(branch=self.branch_b1, contact_number="+923001234567", passport_number="AB1234567")
        response = self.search(contact="03001234567")
        self.assertEqual([row["id"] for row in response.data["results"]], [self.target.pk])
        self.login(self.admin_a)
        self.assertEqual(self.search(contact="03001234567").data["count"], 2)
        self.login(self.staff)
        self.assertEqual(self.search(contact="03001234567").data["count"], 3)
