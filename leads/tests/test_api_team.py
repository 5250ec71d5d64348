"""The managers' endpoints: assign/, the branch's assignment rule, its team and its members, who may call them."""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from leads.models import AssignmentRule, AssignmentStrategy, Lead, LeadStatus
from leads.tests.api_base import LeadsAPITestCase
from leads.tests.factories import LeadFactory
from organizations.models import Membership, MembershipRole
from organizations.tests.factories import UserFactory, branch_manager, branch_user

User = get_user_model()


class TeamAPITestCase(LeadsAPITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.manager_a1 = branch_manager(cls.branch_a1, user=UserFactory(username="manager_a1"))
        cls.colleague_a1 = branch_user(cls.branch_a1, user=UserFactory(username="colleague_a1"))
        cls.lead_a2 = LeadFactory(branch=cls.branch_a2)
        cls.lead_b1 = LeadFactory(branch=cls.branch_b1)

    def members_url(self, branch, *rest):
        if not rest:
            return reverse("leads:members", args=[branch.pk])
        user_id, *action = rest
        name = "leads:member-deactivate" if action else "leads:member"
        return reverse(name, args=[branch.pk, user_id])


class AssignEndpointTests(TeamAPITestCase):
    def assign(self, actor, leads, assigned_to):
        self.login(actor)
        return self.client.post(
            reverse("leads:assign"), {"leads": [lead.pk for lead in leads], "assigned_to": assigned_to.pk}, format="json"
        )

    def test_who_may_assign(self):
        cases = [
            (None, 401), (self.nobody, 403), (self.user_a1, 403), (self.manager_a1, 200), (self.admin_a, 200),
            (self.staff, 200), (self.admin_b, 400),
        ]
        for actor, expected in cases:
            with self.subTest(actor=getattr(actor, "username", None)):
                self.assertStatus(self.assign(actor, [self.lead], self.colleague_a1), expected)

    def test_a_manager_assigns_in_one_go_and_the_history_records_it(self):
        second = LeadFactory(branch=self.branch_a1)
        response = self.assign(self.manager_a1, [self.lead, second], self.colleague_a1)
        self.assertStatus(response, 200)
        self.assertEqual(response.data, {"assigned_to": self.colleague_a1.pk, "leads": sorted([self.lead.pk, second.pk]), "changed": 2})
        for lead in (self.lead, second):
            lead.refresh_from_db()
            self.assertEqual(lead.assigned_to, self.colleague_a1)
            self.assertIsNotNone(lead.assigned_at)
            latest = lead.history.latest()
            self.assertEqual((latest.assigned_to_id, latest.history_user), (self.colleague_a1.pk, self.manager_a1))

    def test_an_out_of_scope_lead_is_a_400_on_leads_and_nothing_changes(self):
        for other in (self.lead_a2, self.lead_b1):
            with self.subTest(lead=other.branch.code):
                response = self.assign(self.manager_a1, [self.lead, other], self.colleague_a1)
                self.assertStatus(response, 400)
                self.assertEqual(list(response.data), ["leads"])
                self.lead.refresh_from_db()
                self.assertIsNone(self.lead.assigned_to)

    def test_a_lead_a_manager_sees_but_does_not_manage_is_a_400(self):
        branch_user(self.branch_a2, user=self.manager_a1)
        response = self.assign(self.manager_a1, [self.lead_a2], self.manager_a1)
        self.assertStatus(response, 400)
        self.assertIn("leads", response.data)

    def test_an_assignee_who_cannot_open_a_leads_branch_is_a_400_on_assigned_to(self):
        response = self.assign(self.admin_a, [self.lead, self.lead_a2], self.colleague_a1)
        self.assertStatus(response, 400)
        self.assertEqual(list(response.data), ["assigned_to"])
        self.assertFalse(Lead.objects.filter(assigned_to=self.colleague_a1).exists())

    def test_bad_bodies_are_400s(self):
        self.login(self.manager_a1)
        for body in ({}, {"leads": [], "assigned_to": 1}, {"leads": ["x"], "assigned_to": 1},
                     {"leads": [self.lead.pk], "assigned_to": 10**30}, {"leads": [self.lead.pk] * 101, "assigned_to": 1}):
            with self.subTest(body=str(body)[:60]):
                self.assertStatus(self.client.post(reverse("leads:assign"), body, format="json"), 400)

    @override_settings(EMAIL_CONFIGURED=True)
    def test_the_assignee_is_emailed_once_for_the_batch(self):
        second = LeadFactory(branch=self.branch_a1)
        with self.captureOnCommitCallbacks(execute=True):
            self.assign(self.manager_a1, [self.lead, second], self.colleague_a1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.colleague_a1.email])
        self.assertIn("manager_a1", mail.outbox[0].body)

    def test_list_filters_the_unassigned_queue_and_an_assignee(self):
        LeadFactory(branch=self.branch_a1, assigned_to=self.colleague_a1)
        self.login(self.manager_a1)
        unassigned = self.client.get(reverse("leads:list"), {"unassigned": "true"}).data["results"]
        self.assertEqual([row["id"] for row in unassigned], [self.lead.pk])
        mine = self.client.get(reverse("leads:list"), {"assigned_to": self.colleague_a1.pk}).data["results"]
        self.assertEqual([row["assigned_to"] for row in mine], [self.colleague_a1.pk])


class AssignmentRuleEndpointTests(TeamAPITestCase):
    def url(self, branch):
        return reverse("leads:assignment-rule", args=[branch.pk])

    def test_a_branch_without_a_rule_reads_manual(self):
        self.login(self.manager_a1)
        response = self.client.get(self.url(self.branch_a1))
        self.assertStatus(response, 200)
        self.assertEqual(response.data["strategy"], "manual")

    def test_who_may_read_and_set_it(self):
        cases = [
            (self.user_a1, self.branch_a1, 403), (self.manager_a1, self.branch_a1, 200), (self.manager_a1, self.branch_a2, 404),
            (self.manager_a1, self.branch_b1, 404), (self.admin_a, self.branch_a2, 200), (self.admin_b, self.branch_a1, 404),
            (self.staff, self.branch_b1, 200), (self.nobody, self.branch_a1, 403),
        ]
        for actor, branch, expected in cases:
            with self.subTest(actor=actor.username, branch=branch.code):
                self.login(actor)
                self.assertStatus(self.client.get(self.url(branch)), expected)
                response = self.client.put(self.url(branch), {"strategy": "round_robin"}, format="json")
                self.assertStatus(response, expected)

    def test_setting_it_applies_to_the_next_create(self):
        self.login(self.manager_a1)
        self.assertStatus(self.client.put(self.url(self.branch_a1), {"strategy": "least_open"}, format="json"), 200)
        self.assertEqual(AssignmentRule.objects.get(branch=self.branch_a1).strategy, AssignmentStrategy.LEAST_OPEN)
        response = self.client.post(
            reverse("leads:create"), {"customer_name": "Sana", "contact_number": "0300 4445566", "branch": self.branch_a1.pk},
            format="json",
        )
        self.assertIn(response.data["assigned_to"], {self.user_a1.pk, self.colleague_a1.pk, self.manager_a1.pk})

    def test_an_unknown_strategy_is_a_400_on_strategy(self):
        self.login(self.manager_a1)
        response = self.client.put(self.url(self.branch_a1), {"strategy": "random"}, format="json")
        self.assertStatus(response, 400)
        self.assertIn("strategy", response.data)


class TeamEndpointTests(TeamAPITestCase):
    def test_each_members_queues_in_one_query(self):
        today = timezone.localdate()
        now = timezone.now()
        LeadFactory(branch=self.branch_a1, assigned_to=self.user_a1, next_followup_date=today)
        LeadFactory(branch=self.branch_a1, assigned_to=self.user_a1, next_followup_date=today - timedelta(days=2))
        LeadFactory(branch=self.branch_a1, assigned_to=self.user_a1, first_contact_due_at=now - timedelta(hours=1))
        LeadFactory(branch=self.branch_a1, assigned_to=self.user_a1, lead_status=LeadStatus.CONVERTED, next_followup_date=today)
        LeadFactory(branch=self.branch_a2, assigned_to=self.user_a1, next_followup_date=today)  # another branch
        LeadFactory(branch=self.branch_a1, assigned_to=self.colleague_a1, assigned_at=now)
        self.login(self.manager_a1)
        url = reverse("leads:team", args=[self.branch_a1.pk])
        # 1: the branches the caller manages (permission, memoised), 2: the branch on the path among them,
        # 3: the members with their counts; however many members and leads.
        with self.assertNumQueries(3):
            response = self.client.get(url)
        self.assertStatus(response, 200)
        rows = {row["username"]: row for row in response.data}
        self.assertEqual(set(rows), {"branch_a1", "colleague_a1", "manager_a1"})
        mine = rows["branch_a1"]
        self.assertEqual(
            (mine["open_leads"], mine["due_today"], mine["missed"], mine["sla_breached"]), (3, 1, 1, 1)
        )
        self.assertEqual((rows["colleague_a1"]["open_leads"], rows["colleague_a1"]["assigned_today"]), (1, 1))
        self.assertEqual(rows["manager_a1"]["role"], "branch_manager")

    def test_branch_users_get_403_and_other_branches_404(self):
        for actor, branch, expected in [(self.user_a1, self.branch_a1, 403), (self.manager_a1, self.branch_b1, 404),
                                        (self.admin_a, self.branch_a2, 200)]:
            with self.subTest(actor=actor.username):
                self.login(actor)
                self.assertStatus(self.client.get(reverse("leads:team", args=[branch.pk])), expected)


class MemberManagementTests(TeamAPITestCase):
    def add(self, actor, branch, **body):
        self.login(actor)
        return self.client.post(self.members_url(branch), {"username": "sana_a1", "first_name": "Sana", **body}, format="json")

    def test_a_manager_adds_a_branch_user_with_a_first_password(self):
        response = self.add(self.manager_a1, self.branch_a1, password="a-long-first-password", email="sana@example.com")
        self.assertStatus(response, 201)
        self.assertEqual((response.data["role"], response.data["invitation_url"]), ("branch_user", None))
        user = User.objects.get(username="sana_a1")
        self.assertTrue(user.check_password("a-long-first-password"))
        self.assertFalse(user.is_staff or user.is_superuser)
        self.assertEqual(list(user.memberships.values_list("branch_id", "role")), [(self.branch_a1.pk, "branch_user")])

    def test_privileges_are_never_granted(self):
        response = self.add(self.manager_a1, self.branch_a1, password="a-long-first-password", is_staff=True,
                            is_superuser=True, role="org_admin")
        self.assertStatus(response, 400)
        self.assertIn("role", response.data)
        response = self.add(self.manager_a1, self.branch_a1, password="a-long-first-password", is_staff=True, is_superuser=True)
        self.assertStatus(response, 201)
        user = User.objects.get(username="sana_a1")
        self.assertFalse(user.is_staff or user.is_superuser)

    def test_only_org_admins_add_branch_managers(self):
        response = self.add(self.manager_a1, self.branch_a1, password="a-long-first-password", role="branch_manager")
        self.assertStatus(response, 400)
        self.assertIn("role", response.data)
        response = self.add(self.admin_a, self.branch_a2, password="a-long-first-password", role="branch_manager")
        self.assertStatus(response, 201)
        self.assertTrue(Membership.objects.filter(user__username="sana_a1", branch=self.branch_a2, role="branch_manager").exists())

    def test_who_may_add_where(self):
        cases = [(self.user_a1, self.branch_a1, 403), (self.manager_a1, self.branch_a2, 404), (self.manager_a1, self.branch_b1, 404),
                 (self.admin_b, self.branch_a1, 404), (self.nobody, self.branch_a1, 403)]
        for actor, branch, expected in cases:
            with self.subTest(actor=actor.username, branch=branch.code):
                self.assertStatus(self.add(actor, branch, password="a-long-first-password"), expected)
        self.assertFalse(User.objects.filter(username="sana_a1").exists())

    def test_password_or_invitation_and_the_rules_of_each(self):
        for body, field in [({}, "password"), ({"password": "a-long-first-password", "invite": True}, "password"),
                            ({"password": "123"}, "password"), ({"username": "branch_a1", "invite": True}, "username"),
                            ({"username": "bad name!", "invite": True}, "username")]:
            with self.subTest(body=body):
                response = self.add(self.manager_a1, self.branch_a1, **body)
                self.assertStatus(response, 400)
                self.assertIn(field, response.data)

    def test_an_invitation_link_sets_the_first_password_once(self):
        response = self.add(self.manager_a1, self.branch_a1, invite=True)
        self.assertStatus(response, 201)
        link = response.data["invitation_url"]
        self.assertRegex(link, r"^http://testserver/desk/welcome#uid=[\w-]+&token=[\w-]+$")
        uid, token = re.search(r"uid=([\w-]+)&token=([\w-]+)", link).groups()
        user = User.objects.get(username="sana_a1")
        self.assertFalse(user.has_usable_password())
        self.client.force_authenticate(None)
        url = reverse("organizations:invitation-accept")
        weak = self.client.post(url, {"uid": uid, "token": token, "password": "sana"}, format="json")
        self.assertStatus(weak, 400)
        self.assertIn("password", weak.data)
        self.assertStatus(self.client.post(url, {"uid": uid, "token": token, "password": "my-own-password-7"}, format="json"), 204)
        user.refresh_from_db()
        self.assertTrue(user.check_password("my-own-password-7"))
        again = self.client.post(url, {"uid": uid, "token": token, "password": "another-password-8"}, format="json")
        self.assertStatus(again, 400)
        self.assertIn("token", again.data)
        forged = self.client.post(url, {"uid": uid, "token": "abc-123", "password": "another-password-8"}, format="json")
        self.assertStatus(forged, 400)

    def test_leave_and_cap(self):
        self.login(self.manager_a1)
        response = self.client.patch(self.members_url(self.branch_a1, self.user_a1.pk), {"available": False, "daily_cap": 5}, format="json")
        self.assertStatus(response, 200)
        self.assertEqual((response.data["available"], response.data["daily_cap"]), (False, 5))
        membership = Membership.objects.get(user=self.user_a1, branch=self.branch_a1)
        self.assertEqual((membership.available, membership.daily_cap), (False, 5))
        response = self.client.patch(self.members_url(self.branch_a1, self.user_a1.pk), {"daily_cap": None}, format="json")
        self.assertEqual(response.data["daily_cap"], None)
        for body in ({"daily_cap": 0}, {"daily_cap": "many"}, {"available": "perhaps"}):
            with self.subTest(body=body):
                self.assertStatus(self.client.patch(self.members_url(self.branch_a1, self.user_a1.pk), body, format="json"), 400)

    def test_members_of_other_branches_are_not_found(self):
        self.login(self.manager_a1)
        for branch, user in [(self.branch_a1, self.user_a2), (self.branch_a2, self.user_a2), (self.branch_a1, self.admin_a)]:
            with self.subTest(branch=branch.code, user=user.username):
                self.assertStatus(self.client.patch(self.members_url(branch, user.pk), {"available": False}, format="json"), 404)
                self.assertStatus(self.client.post(self.members_url(branch, user.pk, "deactivate")), 404)

    def test_listing_members(self):
        self.login(self.admin_a)
        response = self.client.get(self.members_url(self.branch_a1))
        self.assertStatus(response, 200)
        self.assertEqual([row["username"] for row in response.data["results"]], ["branch_a1", "colleague_a1", "manager_a1"])

    def test_deactivating_a_member_reassigns_their_open_leads_and_signs_them_out(self):
        AssignmentRule.objects.create(branch=self.branch_a1, strategy=AssignmentStrategy.ROUND_ROBIN)
        theirs = LeadFactory.create_batch(3, branch=self.branch_a1, assigned_to=self.user_a1)
        AuthToken.objects.create(self.user_a1)
        self.login(self.manager_a1)
        response = self.client.post(self.members_url(self.branch_a1, self.user_a1.pk, "deactivate"))
        self.assertStatus(response, 200)
        self.assertEqual(response.data, {"reassigned": 3, "unassigned": 0, "account_deactivated": True})
        self.user_a1.refresh_from_db()
        self.assertFalse(self.user_a1.is_active)
        self.assertFalse(AuthToken.objects.filter(user=self.user_a1).exists())
        assignees = set(Lead.objects.filter(pk__in=[lead.pk for lead in theirs]).values_list("assigned_to_id", flat=True))
        self.assertTrue(assignees <= {self.colleague_a1.pk, self.manager_a1.pk}, assignees)

    def test_a_member_of_another_branch_too_keeps_their_account(self):
        branch_user(self.branch_a2, user=self.colleague_a1)
        self.login(self.manager_a1)
        response = self.client.post(self.members_url(self.branch_a1, self.colleague_a1.pk, "deactivate"))
        self.assertEqual(response.data["account_deactivated"], False)
        self.colleague_a1.refresh_from_db()
        self.assertTrue(self.colleague_a1.is_active)
        self.assertEqual(list(self.colleague_a1.memberships.values_list("branch_id", flat=True)), [self.branch_a2.pk])

    def test_what_a_manager_may_not_deactivate(self):
        other_manager = branch_manager(self.branch_a1)
        staff_member = branch_user(self.branch_a1, user=UserFactory(is_staff=True))
        self.login(self.manager_a1)
        self.assertStatus(self.client.post(self.members_url(self.branch_a1, other_manager.pk, "deactivate")), 403)
        self.assertStatus(self.client.post(self.members_url(self.branch_a1, staff_member.pk, "deactivate")), 403)
        self.assertStatus(self.client.post(self.members_url(self.branch_a1, self.manager_a1.pk, "deactivate")), 400)
        self.login(self.admin_a)
        self.assertStatus(self.client.post(self.members_url(self.branch_a1, other_manager.pk, "deactivate")), 200)

    def test_branch_users_get_403(self):
        self.login(self.user_a1)
        self.assertStatus(self.client.get(self.members_url(self.branch_a1)), 403)
        self.assertStatus(self.client.post(self.members_url(self.branch_a1, self.colleague_a1.pk, "deactivate")), 403)


class MeShowsTheRoleTests(TeamAPITestCase):
    def test_me_shows_branch_manager(self):
        self.login(self.manager_a1)
        response = self.client.get(reverse("organizations:me"))
        self.assertEqual([m["role"] for m in response.data["memberships"]], [MembershipRole.BRANCH_MANAGER])

    def test_managed_branches(self):
        self.login(self.admin_a)
        response = self.client.get(reverse("leads:branches-managed"))
        self.assertEqual([row["code"] for row in response.data["results"]], ["A1", "A2"])
        self.login(self.manager_a1)
        self.assertEqual([row["code"] for row in self.client.get(reverse("leads:branches-managed")).data["results"]], ["A1"])
        self.login(self.user_a1)
        self.assertStatus(self.client.get(reverse("leads:branches-managed")), 403)
