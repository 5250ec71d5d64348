"""Lock, then check: a lead moved out of a caller's branches while the caller edits it (real PostgreSQL, threads).

`branch_a1` PATCHes a lead of A1 while `orgadmin_a` moves it to A2. Whatever the interleaving, the late
writer gets a 404 (or the early one wins and the move is judged after it): never a write outside the
caller's scope, never a broken assignee rule, never a 500.
"""

import unittest

from django.db import connection, transaction
from django.test import TransactionTestCase
from django.urls import reverse
from rest_framework.test import APIClient

from common.testing.concurrency import errors, run_together, start, wait_for_a_blocked_backend
from leads import services
from leads.models import Lead
from organizations.scoping import reaches_branch
from leads.tests.factories import LeadFactory
from organizations.tests.factories import BranchFactory, branch_user, org_admin

RUNS = 20


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class MoveWhileEditingTests(TransactionTestCase):
    def setUp(self):
        self.a1 = BranchFactory(code="A1")
        self.a2 = BranchFactory(code="A2", organization=self.a1.organization)
        self.user_a1 = branch_user(self.a1)
        self.user_a2 = branch_user(self.a2)
        self.admin_a = org_admin(self.a1.organization)

    def patch_as_branch_a1(self, lead) -> int:
        client = APIClient()
        client.force_authenticate(type(self.user_a1).objects.get(pk=self.user_a1.pk))
        response = client.patch(
            reverse("leads:update", args=[lead.pk]), {"assigned_to": self.user_a1.pk, "remarks": "late"},
            format="json",
        )
        return response.status_code

    def move_to_a2(self, lead):
        return services.lead_update(lead=lead, actor=self.admin_a, branch=self.a2, assigned_to=self.user_a2)

    def assert_nothing_out_of_scope(self, lead, status_code):
        lead.refresh_from_db()
        self.assertEqual(lead.branch_id, self.a2.pk)  # the move always lands
        self.assertEqual(lead.assigned_to_id, self.user_a2.pk)  # …and is judged on the row as it is then
        self.assertTrue(reaches_branch(lead.assigned_to, lead.branch), "the assignee cannot open the lead")
        if status_code == 404:  # the edit came late: it wrote nothing
            self.assertEqual(lead.remarks, "")

    def test_edit_arriving_while_the_move_holds_the_row_is_a_404_and_writes_nothing(self):
        lead = LeadFactory(branch=self.a1)
        with transaction.atomic():
            self.move_to_a2(lead)  # holds the row lock until this block commits
            editor = start(lambda: self.patch_as_branch_a1(lead))
            # Until the editor's transaction waits on this one's row lock (so the overlap really happens).
            if not wait_for_a_blocked_backend(timeout=10):
                self.fail("the editor never waited for the row lock")
        self.assertEqual(editor.outcome(timeout=30), 404)  # a crash would be its exception here
        self.assert_nothing_out_of_scope(lead, 404)

    def test_edit_and_move_at_the_same_moment_never_500_nor_write_out_of_scope(self):
        for _ in range(RUNS):
            lead = LeadFactory(branch=self.a1)
            edited, moved = run_together(lambda: self.patch_as_branch_a1(lead), lambda: self.move_to_a2(lead), timeout=30)
            self.assertEqual(errors([moved]), [])
            self.assertIn(edited, (200, 404))
            self.assert_nothing_out_of_scope(lead, edited)
