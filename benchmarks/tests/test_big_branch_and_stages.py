"""The big-branch seeder and the stage breakdown at a tiny scale, so neither rots between runs."""

from django.test import TestCase
from django.utils import timezone

from benchmarks.big_branch import BIG_BRANCH_CODE, BIG_BRANCH_USERNAME, big_branch_leads, seed_big_branch
from benchmarks.seed import seed
from benchmarks.stages import STAGES, _stages_of
from leads.models import Lead, LeadStatus
from organizations.models import Branch, visible_branch_ids
from django.contrib.auth import get_user_model


class BigBranchSeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        seed(leads=60, today=cls.today)
        seed_big_branch(leads=big_branch_leads(100), today=cls.today, log=lambda *_: None)
        cls.branch = Branch.objects.get(code=BIG_BRANCH_CODE)

    def test_forty_percent_of_the_leads_and_forty_percent_of_those_new_and_due_today(self):
        self.assertEqual(Lead.objects.filter(branch=self.branch).count(), 40)
        self.assertEqual(Lead.objects.filter(branch=self.branch, lead_status=LeadStatus.NEW).count(), 16)
        due = Lead.objects.filter(branch=self.branch, next_followup_date=self.today).exclude(
            lead_status__in=[LeadStatus.CONVERTED, LeadStatus.LOST]
        )
        self.assertEqual(due.count(), 16)

    def test_its_user_reaches_only_the_big_branch(self):
        user = get_user_model().objects.get(username=BIG_BRANCH_USERNAME)
        self.assertEqual(visible_branch_ids(user), [self.branch.pk])

    def test_passports_stay_unique_in_the_organization(self):
        passports = list(Lead.objects.filter(organization=self.branch.organization).exclude(passport_number="")
                         .values_list("passport_number", flat=True))
        self.assertEqual(len(passports), len(set(passports)))


class StageArithmeticTests(TestCase):
    def test_the_stages_add_up_to_the_total(self):
        raw = {"outer": 0.010, "inner": 0.009, "dispatch": 0.008, "auth": 0.001, "scope": 0.0005,
               "throttles": 0.0005, "negotiation": 0.0001, "render": 0.0005}
        stages = _stages_of(raw, 0.011)
        self.assertAlmostEqual(sum(stages[name] for name in STAGES), 0.011)
        self.assertAlmostEqual(stages["view"], 0.0059)
