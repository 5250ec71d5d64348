"""Lock, then check: a lead moved out of a caller's branches while the caller edits it (real PostgreSQL, threads).

`branch_a1` PATCHes a lead of A1 while `orgadmin_a` moves it to A2. Whatever the interleaving, the late
writer gets a 404 (or the early one wins and the move is judged after it): never a write outside the
caller's scope, never a broken assignee rule, never a 500.
"""

import threading
import time
import unittest

from django.db import connection, transaction
from django.test import TransactionTestCase
from django.urls import reverse
from rest_framework.test import APIClient

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

    def patch_as_branch_a1(self, lead, results):
        client = APIClient()
        client.force_authenticate(type(self.user_a1).objects.get(pk=self.user_a1.pk))
        try:
            response = client.patch(
                reverse("leads:update", args=[lead.pk]), {"assigned_to": self.user_a1.pk, "remarks": "late"},
                format="json",
            )
            results.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - a crash is reported as a 500
            results.append(exc)
        finally:
            connection.close()

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
        results = []
        with transaction.atomic():
            self.move_to_a2(lead)  # holds the row lock until this block commits
            editor = threading.Thread(target=self.patch_as_branch_a1, args=(lead, results))
            editor.start()
            self._wait_for_a_blocked_backend()
        editor.join(timeout=30)
        self.assertFalse(editor.is_alive(), "the edit hung")
        self.assertEqual(results, [404])
        self.assert_nothing_out_of_scope(lead, 404)

    def test_edit_and_move_at_the_same_moment_never_500_nor_write_out_of_scope(self):
        for _ in range(RUNS):
            lead = LeadFactory(branch=self.a1)
            results, start = [], threading.Barrier(2)

            def edit():
                start.wait(timeout=10)
                self.patch_as_branch_a1(lead, results)

            def move():
                start.wait(timeout=10)
                try:
                    self.move_to_a2(lead)
                finally:
                    connection.close()

            threads = [threading.Thread(target=edit), threading.Thread(target=move)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            self.assertIn(results[0], (200, 404), results)
            self.assert_nothing_out_of_scope(lead, results[0])

    def _wait_for_a_blocked_backend(self):
        """Until the editor's transaction waits on this one's row lock (so the overlap really happens)."""
        deadline = time.monotonic() + 10
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                # Statistics views are a snapshot per transaction, and this runs inside one: refresh it.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.02)
        self.fail("the editor never waited for the row lock")
