"""The branch's assignment rule, applied by `lead_create` and every door that creates leads."""

from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APITestCase

from booking.services import booking_create
from leads.models import AssignmentRule, AssignmentStrategy, Lead, LeadStatus
from leads.services import assignment_rule_set, lead_create, lead_update, leads_reassign_open
from leads.tests.factories import LeadFactory
from organizations.models import MembershipRole
from organizations.tests.factories import BranchFactory, MembershipFactory, UserFactory, branch_manager, branch_user, org_admin
from transfers.rows import leads_import_rows

_numbers = iter(range(10_000_000))


def create(branch, actor=None, **fields) -> Lead:
    number = next(_numbers)
    return lead_create(
        branch=branch, actor=actor, customer_name=f"Customer {number}", contact_number=f"0300{number:07d}", **fields
    )


def use_rule(branch, strategy) -> AssignmentRule:
    return AssignmentRule.objects.update_or_create(branch=branch, defaults={"strategy": strategy})[0]


class RuleTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.branch = BranchFactory(code="A1")
        cls.other_branch = BranchFactory(organization=cls.branch.organization, code="A2")
        cls.members = [branch_user(cls.branch, user=UserFactory(username=f"member{n}")) for n in range(3)]
        cls.admin = org_admin(cls.branch.organization)
        cls.staff = UserFactory(is_staff=True)


class ManualRuleTests(RuleTestCase):
    def test_a_branch_without_a_rule_leaves_new_leads_unassigned(self):
        lead = create(self.branch, actor=self.members[0])
        self.assertIsNone(lead.assigned_to_id)
        self.assertIsNone(lead.assigned_at)

    def test_manual_leaves_new_leads_unassigned(self):
        use_rule(self.branch, AssignmentStrategy.MANUAL)
        self.assertIsNone(create(self.branch).assigned_to_id)

    def test_an_assignee_given_is_kept_whatever_the_rule_and_stamped(self):
        use_rule(self.branch, AssignmentStrategy.ROUND_ROBIN)
        lead = create(self.branch, actor=self.admin, assigned_to=self.members[2])
        self.assertEqual(lead.assigned_to, self.members[2])
        self.assertIsNotNone(lead.assigned_at)


class RoundRobinTests(RuleTestCase):
    def setUp(self):
        use_rule(self.branch, AssignmentStrategy.ROUND_ROBIN)

    def test_each_member_in_turn_and_never_the_org_admin_who_creates(self):
        assignees = [create(self.branch, actor=self.admin).assigned_to_id for _ in range(7)]
        ids = [member.pk for member in self.members]
        self.assertEqual(assignees, [ids[n % 3] for n in range(7)])
        self.assertNotIn(self.admin.pk, assignees)

    def test_the_assignment_is_stamped_and_in_the_history(self):
        before = timezone.now()
        lead = create(self.branch, actor=self.admin)
        self.assertGreaterEqual(lead.assigned_at, before)
        self.assertEqual(lead.history.latest().assigned_to_id, lead.assigned_to_id)

    def test_branch_managers_are_in_the_rotation(self):
        manager = branch_manager(self.branch)
        assignees = {create(self.branch).assigned_to_id for _ in range(4)}
        self.assertIn(manager.pk, assignees)

    def test_a_member_on_leave_or_inactive_is_skipped(self):
        self.members[0].memberships.update(available=False)
        self.members[1].is_active = False
        self.members[1].save()
        assignees = {create(self.branch).assigned_to_id for _ in range(4)}
        self.assertEqual(assignees, {self.members[2].pk})

    def test_members_of_other_branches_are_not_dealt_to(self):
        branch_user(self.other_branch)
        assignees = {create(self.branch).assigned_to_id for _ in range(6)}
        self.assertEqual(assignees, {member.pk for member in self.members})

    def test_nobody_eligible_leaves_the_lead_in_the_unassigned_queue(self):
        for member in self.members:
            member.memberships.update(available=False)
        lead = create(self.branch)
        self.assertIsNone(lead.assigned_to_id)


class DailyCapTests(RuleTestCase):
    def setUp(self):
        use_rule(self.branch, AssignmentStrategy.ROUND_ROBIN)

    def test_a_capped_member_gets_no_more_than_the_cap_in_a_business_day(self):
        self.members[0].memberships.update(daily_cap=2)
        assignees = [create(self.branch).assigned_to_id for _ in range(12)]
        self.assertEqual(assignees.count(self.members[0].pk), 2)
        self.assertEqual(assignees.count(self.members[1].pk), 5)

    def test_everyone_at_their_cap_leaves_leads_unassigned(self):
        for member in self.members:
            member.memberships.update(daily_cap=1)
        assignees = [create(self.branch).assigned_to_id for _ in range(5)]
        self.assertEqual(sorted(filter(None, assignees)), sorted(member.pk for member in self.members))
        self.assertEqual(assignees.count(None), 2)

    def test_yesterdays_assignments_do_not_count_against_today(self):
        self.members[0].memberships.update(daily_cap=1)
        yesterday = timezone.now() - timedelta(days=1, hours=1)
        LeadFactory(branch=self.branch, assigned_to=self.members[0], assigned_at=yesterday)
        # a lead assigned by hand today counts (the cap is on what they get today, however it came)
        assignees = [create(self.branch).assigned_to_id for _ in range(3)]
        self.assertEqual(assignees.count(self.members[0].pk), 1)

    def test_a_batch_respects_the_cap(self):
        self.members[0].memberships.update(daily_cap=1)
        created = leads_import_rows(
            branch=self.branch, mode="create", actor=self.staff,
            rows=[(n, {"customer_name": f"Row {n}", "contact_number": f"0311{n:07d}"}) for n in range(1, 10)],
        )
        assignees = [outcome.lead.assigned_to_id for outcome in created]
        self.assertEqual(assignees.count(self.members[0].pk), 1)
        self.assertEqual(assignees.count(None), 0)


class LeastOpenTests(RuleTestCase):
    def test_the_member_with_the_fewest_open_leads_gets_it(self):
        use_rule(self.branch, AssignmentStrategy.LEAST_OPEN)
        LeadFactory.create_batch(3, branch=self.branch, assigned_to=self.members[0])
        LeadFactory(branch=self.branch, assigned_to=self.members[1])
        # Closed leads and other branches' leads do not count.
        LeadFactory.create_batch(4, branch=self.branch, assigned_to=self.members[2], lead_status=LeadStatus.CONVERTED)
        LeadFactory.create_batch(4, branch=self.other_branch, assigned_to=self.members[2])
        assignees = [create(self.branch).assigned_to_id for _ in range(4)]
        m0, m1, m2 = (member.pk for member in self.members)
        # m2 has 0, m1 1, m0 3: m2, then m1 and m2 tie at 1 (m1 has fewer today), then m2 (1 vs 2) ...
        self.assertEqual(assignees[0], m2)
        self.assertEqual(sorted(assignees), sorted([m2, m1, m2, m1]))


class ServiceStampsTests(RuleTestCase):
    def test_update_stamps_a_new_assignee_and_clears_on_unassign(self):
        lead = create(self.branch)
        lead = lead_update(lead=lead, actor=self.admin, assigned_to=self.members[1])
        self.assertIsNotNone(lead.assigned_at)
        lead = lead_update(lead=lead, actor=self.admin, assigned_to=None)
        self.assertIsNone(lead.assigned_at)


class DoorsTests(RuleTestCase):
    """Every door that creates a lead without an assignee gives it one by the rule."""

    def setUp(self):
        use_rule(self.branch, AssignmentStrategy.ROUND_ROBIN)

    def test_booking_automation(self):
        with self.captureOnCommitCallbacks(execute=True):
            booking = booking_create(
                branch=self.branch, actor=self.staff, customer_name="Hamza Siddiqui", contact_number="0300 1234567",
                passport_number="AB1234567", total_amount=Decimal("350000.00"),
            )
        lead = Lead.objects.get(booking=booking)
        self.assertIn(lead.assigned_to_id, {member.pk for member in self.members})

    def test_import(self):
        outcomes = leads_import_rows(
            branch=self.branch, mode="create", actor=self.staff,
            rows=[(n, {"customer_name": f"Row {n}", "contact_number": f"0312{n:07d}"}) for n in range(1, 7)],
        )
        assignees = [outcome.lead.assigned_to_id for outcome in outcomes]
        self.assertEqual(sorted(assignees), sorted([member.pk for member in self.members] * 2))

    def test_admin(self):
        from leads.tests.test_admin import inline_management

        self.client.force_login(self.members[0])
        response = self.client.post(
            reverse("admin:leads_lead_add"),
            {"customer_name": "Sana Riaz", "contact_number": "0300 4445566", "branch": self.branch.pk,
             "lead_source": "walk_in", "passport_number": "", "cnic": "", "address": "", "area": "",
             "next_followup_date": "", "assigned_to": "", "remarks": "",
             **inline_management("followups"), **inline_management("loan_commitments")},
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn(Lead.objects.get(customer_name="Sana Riaz").assigned_to_id, {m.pk for m in self.members})


class ApiCreateDoorTests(APITestCase):
    @classmethod
    def setUpTestData(cls):
        cls.branch = BranchFactory()
        cls.creator = branch_user(cls.branch)
        cls.colleague = branch_user(cls.branch)
        use_rule(cls.branch, AssignmentStrategy.ROUND_ROBIN)

    def post(self):
        self.client.force_authenticate(self.creator)
        return self.client.post(
            reverse("leads:create"),
            {"customer_name": "Sana Riaz", "contact_number": f"0300{next(_numbers):07d}", "branch": self.branch.pk},
            format="json",
        )

    def test_api_create_assigns_by_the_rule(self):
        assignees = {self.post().data["assigned_to"] for _ in range(2)}
        self.assertEqual(assignees, {self.creator.pk, self.colleague.pk})

    def test_the_rule_adds_at_most_two_queries_to_a_create(self):
        self.post()  # warm: the first request of a test loads what later ones find cached
        AssignmentRule.objects.filter(branch=self.branch).update(strategy=AssignmentStrategy.MANUAL)
        with CaptureQueriesContext(connection) as manual:
            self.post()
        # Query 1, paid by every create without an assignee: UPDATE the rule's cursor … RETURNING (it locks
        # the rule's row; under `manual`, or with no rule, it matches nothing and the create goes on).
        self.assertEqual(sum("leads_assignmentrule" in query["sql"] for query in manual.captured_queries), 1)
        AssignmentRule.objects.filter(branch=self.branch).update(strategy=AssignmentStrategy.ROUND_ROBIN)
        # Query 2, under a rule: the eligible members with their counts of today (and open leads for least_open).
        with self.assertNumQueries(len(manual) + 1):
            response = self.post()
        self.assertIsNotNone(response.data["assigned_to"])


@override_settings(EMAIL_CONFIGURED=True)
class NoticeTests(RuleTestCase):
    def setUp(self):
        use_rule(self.branch, AssignmentStrategy.ROUND_ROBIN)

    def test_the_assignee_is_emailed_after_the_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            lead = create(self.branch, actor=self.admin)
        self.assertEqual(mail.outbox, [])  # nothing before the commit
        for callback in callbacks:
            callback()
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [lead.assigned_to.email])
        self.assertIn(lead.customer_name, message.subject)
        self.assertIn(lead.customer_name, message.body)

    def test_in_the_assignees_language(self):
        from organizations.services import user_language_set

        for member in self.members:
            user_language_set(user=member, language="ur")
        with self.captureOnCommitCallbacks(execute=True):
            create(self.branch, actor=self.admin)
        self.assertNotIn("New lead assigned to you", mail.outbox[0].subject)

    def test_nobody_is_told_of_a_lead_they_gave_themselves(self):
        with self.captureOnCommitCallbacks(execute=True):
            create(self.branch, actor=self.members[0], assigned_to=self.members[0])
        self.assertEqual(mail.outbox, [])

    def test_an_import_sends_one_email_per_assignee(self):
        with self.captureOnCommitCallbacks(execute=True):
            leads_import_rows(
                branch=self.branch, mode="create", actor=self.staff,
                rows=[(n, {"customer_name": f"Row {n}", "contact_number": f"0313{n:07d}"}) for n in range(1, 10)],
            )
        self.assertEqual(sorted(message.to[0] for message in mail.outbox), sorted(m.email for m in self.members))
        self.assertIn("3", mail.outbox[0].subject)


class ReassignTests(RuleTestCase):
    def test_open_leads_of_a_member_go_back_through_the_rule(self):
        use_rule(self.branch, AssignmentStrategy.ROUND_ROBIN)
        leaving = self.members[0]
        open_leads = LeadFactory.create_batch(4, branch=self.branch, assigned_to=leaving)
        closed = LeadFactory(branch=self.branch, assigned_to=leaving, lead_status=LeadStatus.CONVERTED)
        leaving.memberships.update(available=False)
        reassigned, unassigned = leads_reassign_open(branch=self.branch, user_id=leaving.pk)
        self.assertEqual((reassigned, unassigned), (4, 0))
        assignees = set(Lead.objects.filter(pk__in=[lead.pk for lead in open_leads]).values_list("assigned_to_id", flat=True))
        self.assertEqual(assignees, {self.members[1].pk, self.members[2].pk})
        closed.refresh_from_db()
        self.assertEqual(closed.assigned_to, leaving)

    def test_under_manual_they_go_to_the_unassigned_queue(self):
        leaving = self.members[0]
        LeadFactory.create_batch(2, branch=self.branch, assigned_to=leaving)
        self.assertEqual(leads_reassign_open(branch=self.branch, user_id=leaving.pk), (0, 2))
        self.assertFalse(Lead.objects.filter(assigned_to=leaving).exists())


class RuleSettingTests(RuleTestCase):
    def test_a_branch_user_cannot_set_the_rule(self):
        from common.errors import OutOfScope

        with self.assertRaises(OutOfScope):
            assignment_rule_set(branch=self.branch, strategy=AssignmentStrategy.ROUND_ROBIN, actor=self.members[0])

    def test_a_manager_sets_it_and_the_history_names_them(self):
        manager = branch_manager(self.branch)
        rule = assignment_rule_set(branch=self.branch, strategy=AssignmentStrategy.LEAST_OPEN, actor=manager)
        self.assertEqual(rule.strategy, AssignmentStrategy.LEAST_OPEN)
        self.assertEqual(rule.history.latest().history_user, manager)

    def test_an_org_admin_holding_a_branch_membership_is_in_the_rotation(self):
        use_rule(self.branch, AssignmentStrategy.ROUND_ROBIN)
        MembershipFactory(user=self.admin, branch=self.branch, role=MembershipRole.BRANCH_USER)
        assignees = {create(self.branch).assigned_to_id for _ in range(4)}
        self.assertIn(self.admin.pk, assignees)
