"""`escalate_sla_breaches`: who is told, once, of which leads; through call_command as cron runs it."""

import smtplib
import unittest
from datetime import timedelta
from io import StringIO
from itertools import count

import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings

from common.testing.concurrency import errors, run_together
from leads.models import Lead, LeadStatus
from leads.services import followup_record, lead_create, lead_mark_lost
from leads.sla_escalations import LISTED_PER_BRANCH, sla_breaches_escalate
from leads.tests.sla_days import local, quiet_monday
from organizations.models import UserPreferences
from organizations.tests.factories import BranchFactory, UserFactory, branch_manager, branch_user, org_admin

MONDAY = quiet_monday()
CREATED = local(MONDAY, 10)  # due at 14:00 with the default four working hours
AFTER_DUE = local(MONDAY, 15)
_numbers = count(1)


def new_lead(branch, name="Waiting Customer", **kwargs):
    with time_machine.travel(CREATED, tick=False):
        return lead_create(branch=branch, customer_name=name, contact_number=f"0301{next(_numbers):07d}", **kwargs)


def escalate(*args, at=AFTER_DUE):
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("escalate_sla_breaches", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def told(user):
    return [message for message in mail.outbox if user.email in message.to]


class EscalationFixture(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.lahore = BranchFactory(name="Lahore Main", code="A1")
        cls.organization = cls.lahore.organization
        cls.karachi = BranchFactory(name="Karachi Saddar", code="A2", organization=cls.organization)
        cls.other = BranchFactory(name="Islamabad Blue Area", code="B1")
        cls.manager = branch_manager(cls.lahore, user__username="manager_a1")
        cls.second_manager = branch_manager(cls.lahore, user__username="manager_a1_too")
        cls.staff_member = branch_user(cls.lahore, user__username="branch_a1")
        cls.admin = org_admin(cls.organization, user__username="orgadmin_a")
        cls.other_admin = org_admin(cls.other.organization, user__username="orgadmin_b")
        cls.waiting = new_lead(cls.lahore, "Ayesha Khan")


class EscalationTests(EscalationFixture):
    def test_the_branch_managers_are_told_once_and_a_second_run_tells_nobody(self):
        self.assertEqual(escalate(), "Escalated 1 breached leads in 2 emails.")
        for manager in (self.manager, self.second_manager):
            [message] = told(manager)
            self.assertIn("Ayesha Khan", message.body)
            self.assertIn(self.waiting.contact_number, message.body)
            self.assertIn("First contact overdue: 1 lead is still waiting", message.subject)
        self.assertEqual(told(self.staff_member) + told(self.admin) + told(self.other_admin), [])
        self.waiting.refresh_from_db()
        self.assertEqual(self.waiting.sla_escalated_at, AFTER_DUE)
        self.assertEqual(escalate(at=AFTER_DUE + timedelta(hours=2)), "Escalated 0 breached leads in 0 emails.")
        self.assertEqual(len(mail.outbox), 2)

    def test_a_branch_without_managers_escalates_to_its_org_admins_one_email_for_all_their_branches(self):
        new_lead(self.karachi, "Usman Tariq")
        new_lead(self.karachi, "Sana Iqbal")
        escalate()
        [message] = told(self.admin)
        self.assertIn("First contact overdue: 2 leads are still waiting", message.subject)
        self.assertIn("Karachi Saddar (A2)", message.body)
        self.assertIn("Usman Tariq", message.body)
        self.assertNotIn("Ayesha Khan", message.body)  # Lahore has managers: they hear of it
        self.assertEqual(len(told(self.manager)), 1)

    def test_leads_not_breached_or_closed_or_contacted_are_not_escalated(self):
        not_yet = new_lead(self.lahore, "Not Yet Due")
        with time_machine.travel(CREATED + timedelta(hours=1), tick=False):
            contacted = new_lead(self.lahore, "Called In Time")
            followup_record(lead=contacted, remarks="Called")
        with time_machine.travel(AFTER_DUE, tick=False):
            lost = new_lead(self.lahore, "Lost After Due")
            lead_mark_lost(lead=lost, lost_reason="Duplicate enquiry")
            late_contact = new_lead(self.lahore, "Called After Due")
            followup_record(lead=late_contact, remarks="Called late")
        Lead.objects.filter(pk=not_yet.pk).update(first_contact_due_at=AFTER_DUE + timedelta(minutes=1))
        escalate()
        [message] = told(self.manager)
        for name in ("Not Yet Due", "Called In Time", "Lost After Due", "Called After Due"):
            self.assertNotIn(name, message.body)
        self.assertIn("Ayesha Khan", message.body)

    def test_a_lead_without_an_sla_is_never_escalated(self):
        new_lead(self.karachi, "Walked In And Talked", lead_status=LeadStatus.CONTACTED)
        self.assertEqual(escalate(), "Escalated 1 breached leads in 2 emails.")
        self.assertEqual(told(self.admin), [])

    def test_inactive_managers_and_managers_without_email_are_passed_over_for_the_org_admins(self):
        for manager in (self.manager, self.second_manager):
            type(manager).objects.filter(pk=manager.pk).update(is_active=manager == self.manager,
                                                               email="" if manager == self.manager else manager.email)
        escalate()
        self.assertEqual((len(told(self.admin)), len(told(self.second_manager))), (1, 0))

    def test_a_branch_with_nobody_to_tell_keeps_its_claim_and_says_so(self):
        lonely = BranchFactory(name="Quetta", code="Q1")
        new_lead(lonely, "Nobody Hears")
        self.assertEqual(escalate(), "Escalated 2 breached leads in 2 emails (1 of branches with no manager or org "
                                     "admin to tell).")
        self.assertFalse(Lead.objects.sla_escalation_due(now=AFTER_DUE).exists())

    def test_dry_run_counts_and_claims_nothing(self):
        self.assertEqual(escalate("--dry-run"), "Would escalate 1 breached leads in 2 emails.")
        self.assertEqual(mail.outbox, [])
        self.waiting.refresh_from_db()
        self.assertIsNone(self.waiting.sla_escalated_at)

    def test_a_long_list_names_the_oldest_and_counts_the_rest(self):
        with time_machine.travel(CREATED, tick=False):
            for _ in range(LISTED_PER_BRANCH + 4):
                new_lead(self.karachi, "Crowd Customer")
        escalate()
        [message] = told(self.admin)
        self.assertEqual(message.body.count("Crowd Customer"), LISTED_PER_BRANCH)
        self.assertIn("…and 4 more leads.", message.body)

    def test_each_recipient_reads_it_in_their_language(self):
        UserPreferences.objects.create(user=self.manager, language="ur")
        escalate()
        [urdu] = told(self.manager)
        [english] = told(self.second_manager)
        self.assertNotEqual(urdu.subject, english.subject)
        self.assertIn('lang="ur"', urdu.alternatives[0][0])
        self.assertIn('dir="rtl"', urdu.alternatives[0][0])

    @override_settings(EMAIL_CONFIGURED=False)
    def test_without_email_configured_it_refuses_before_claiming(self):
        with self.assertRaises(CommandError), time_machine.travel(AFTER_DUE, tick=False):
            call_command("escalate_sla_breaches", stdout=StringIO(), stderr=StringIO())
        self.waiting.refresh_from_db()
        self.assertIsNone(self.waiting.sla_escalated_at)


class RefusingBackend(LocmemBackend):
    """The test outbox, except that mail to the addresses in `refused` fails like a refused SMTP recipient."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if self.refused & set(message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


@override_settings(EMAIL_BACKEND="leads.tests.test_sla_escalations.RefusingBackend")
class FailedEmailTests(EscalationFixture):
    def tearDown(self):
        RefusingBackend.refused = set()

    def test_when_every_recipient_of_a_branch_fails_its_leads_are_retried_by_the_next_run(self):
        RefusingBackend.refused = {self.manager.email, self.second_manager.email}
        with self.assertRaises(CommandError):
            escalate()
        self.waiting.refresh_from_db()
        self.assertIsNone(self.waiting.sla_escalated_at)
        RefusingBackend.refused = set()
        self.assertEqual(escalate(at=AFTER_DUE + timedelta(minutes=15)), "Escalated 1 breached leads in 2 emails.")

    def test_when_one_recipient_of_a_branch_heard_the_lead_stays_escalated(self):
        RefusingBackend.refused = {self.manager.email}
        with self.assertRaises(CommandError):
            escalate()
        self.assertEqual(len(told(self.second_manager)), 1)
        self.waiting.refresh_from_db()
        self.assertEqual(self.waiting.sla_escalated_at, AFTER_DUE)


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises every writer")
class OverlappingEscalationTests(TransactionTestCase):
    def test_two_runs_at_once_tell_each_manager_of_each_lead_once(self):
        branch = BranchFactory()
        manager = branch_manager(branch, user=UserFactory())
        leads = [new_lead(branch, f"Customer {n}") for n in range(30)]
        with time_machine.travel(AFTER_DUE, tick=True):
            runs = run_together(sla_breaches_escalate, sla_breaches_escalate)
        self.assertEqual(errors(runs), [])
        self.assertEqual(sum(run.leads for run in runs), len(leads))
        bodies = "".join(message.body for message in told(manager))
        for lead in leads:
            self.assertEqual(bodies.count(f"{lead.customer_name},"), 1, lead.customer_name)
        self.assertEqual(Lead.objects.filter(sla_escalated_at__isnull=True).count(), 0)
