"""An import is no bulk existence oracle: its answers about leads the importer cannot see (a row
matching one, a hint naming its branch) spend the user's search allowance (DJANGO_THROTTLE_SEARCH),
shared with GET /api/leads/search/; once it is spent, the rest of the file is withheld."""

from unittest import mock

from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from transfers.rows import WITHHELD_MESSAGE
from leads.tests.factories import LeadFactory
from transfers.tests.test_imports import ImportAPITestCase, csv_file


def search_rate(rate):
    return mock.patch.dict(SimpleRateThrottle.THROTTLE_RATES, {"search": rate})


class ExistenceBudgetTests(ImportAPITestCase):
    def setUp(self):
        super().setUp()
        cache.clear()
        self.addCleanup(cache.clear)
        # 20 leads the importer (branch A1) cannot see, and 20 guesses of their numbers among misses.
        self.hidden = [LeadFactory(branch=self.branch_a2, passport_number="", cnic="", contact_number=f"+92300555{n:04d}") for n in range(20)]
        lines = []
        for n in range(20):
            lines.append(f"Guess {n},0300 555{n:04d},,,,,,")
            lines.append(f"Miss {n},0300 777{n:04d},,,,,,")
        self.guesses = csv_file(*lines)

    def revealed(self, report):
        return [e for e in report["errors"] if self.branch_a2.name in e["message"]]

    def test_a_dry_run_of_many_guesses_reveals_no_more_than_the_search_budget(self):
        with search_rate("5/minute"):
            report = self.run_import(self.guesses, mode="create", dry_run=True)
            self.assertEqual(report["status"], "done")
            self.assertEqual(len(self.revealed(report)), 5)
            # After the fifth answer every later row is withheld, guess or miss alike.
            last_revealed = max(e["row"] for e in self.revealed(report))
            later = [e for e in report["errors"] if e["row"] > last_revealed]
            self.assertEqual({e["message"] for e in later}, {WITHHELD_MESSAGE})
            self.assertEqual(len(later), 41 - last_revealed)
            self.assertEqual(report["failed"], 5 + len(later))
            # The budget is the search's: searching is refused too now.
            self.login(self.user_a1)
            self.assertEqual(self.client.get(self.url("search"), {"contact": "+923005550001"}).status_code, 429)

    def test_a_real_run_spends_the_same_budget_and_searches_spend_it_first(self):
        self.login(self.user_a1)
        with search_rate("4/minute"):
            for _ in range(2):
                self.assertEqual(self.client.get(self.url("search"), {"contact": "+923009990000"}).status_code, 200)
            report = self.run_import(self.guesses, mode="upsert")
            self.assertEqual(len(self.revealed(report)), 2)
            self.assertEqual(report["created"], 1)  # the miss between the two answers
            again = self.run_import(csv_file("Later Miss,0300 8880000,,,,,,"), mode="upsert")
            self.assertEqual([e["message"] for e in again["errors"]], [WITHHELD_MESSAGE])

    def test_branch_hints_spend_the_budget_and_are_withheld_after_it(self):
        lines = [f"Hinted {n},0300 555{n:04d},HN{n:07d},,,,," for n in range(6)]  # new passports, known numbers
        with search_rate("3/minute"):
            report = self.run_import(csv_file(*lines), mode="create")
        self.assertEqual(report["created"], 6)  # created either way: a hint decides nothing
        named = [hint for hint in report["duplicates"] if hint["known_at_branches"]]
        self.assertEqual(len(named), 3)

    def test_who_sees_every_branch_spends_nothing(self):
        with search_rate("1/minute"):
            report = self.run_import(self.guesses, mode="create", dry_run=True, user=self.admin_a)
        self.assertEqual(report["skipped"], 20)  # matches of its own scope: skipped in create mode
        self.assertNotIn(WITHHELD_MESSAGE, str(report))
