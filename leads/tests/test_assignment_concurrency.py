"""Many creates of one branch at the same moment, on a real PostgreSQL server with real threads: the rule's
locked cursor spreads them evenly and never lets a member past their daily cap."""

import unittest
from collections import Counter
from functools import partial

from django.db import connection
from django.test import TransactionTestCase

from common.testing.concurrency import errors, run_together
from leads.models import AssignmentRule, AssignmentStrategy, Lead
from leads.services import lead_create
from organizations.tests.factories import BranchFactory, UserFactory, branch_user

CREATES = 60
MEMBERS = 5


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class ConcurrentCreatesSpreadEvenlyTests(TransactionTestCase):
    def setUp(self):
        self.branch = BranchFactory()
        self.members = [branch_user(self.branch) for _ in range(MEMBERS)]
        self.creator = UserFactory(is_staff=True)

    def create_all_at_once(self) -> Counter:
        def create(number: int) -> None:
            lead_create(
                branch=self.branch, actor=self.creator, customer_name=f"Customer {number}",
                contact_number=f"0300{number:07d}",
            )

        outcomes = run_together(*(partial(create, number) for number in range(CREATES)), timeout=120)
        self.assertEqual(errors(outcomes), [])
        self.assertEqual(Lead.objects.filter(branch=self.branch).count(), CREATES)
        return Counter(Lead.objects.filter(branch=self.branch).values_list("assigned_to_id", flat=True))

    def test_round_robin_ends_within_one_of_even(self):
        AssignmentRule.objects.create(branch=self.branch, strategy=AssignmentStrategy.ROUND_ROBIN)
        spread = self.create_all_at_once()
        self.assertEqual(set(spread), {member.pk for member in self.members})
        self.assertLessEqual(max(spread.values()) - min(spread.values()), 1, spread)

    def test_least_open_ends_within_one_of_even(self):
        AssignmentRule.objects.create(branch=self.branch, strategy=AssignmentStrategy.LEAST_OPEN)
        spread = self.create_all_at_once()
        self.assertLessEqual(max(spread.values()) - min(spread.values()), 1, spread)

    def test_caps_are_never_exceeded(self):
        AssignmentRule.objects.create(branch=self.branch, strategy=AssignmentStrategy.ROUND_ROBIN)
        for member in self.members:
            member.memberships.update(daily_cap=7)
        spread = self.create_all_at_once()
        self.assertEqual(spread[None], CREATES - 7 * MEMBERS)
        self.assertEqual({count for user, count in spread.items() if user is not None}, {7})
