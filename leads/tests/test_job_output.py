"""The cron jobs write each line once into the log the guide names (stdout and stderr into one file).

Cron runs `manage.py <job> >> /var/log/leads/jobs.log 2>&1` (or pipes both to systemd-cat): the
command's stdout and the logging handler's stream (stderr) land in one place. The summary is the
command's output, written once; it used to be logged on the `leads` logger as well, so every
line appeared twice.
"""

import logging
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings

from leads.tests.factories import LoanCommitmentFactory


def run_into_one_log(*args) -> list[str]:
    """Run a command with stdout, stderr and the project's logging handlers all writing into one buffer."""
    log = StringIO()
    handlers = {handler for name in ("leads", "booking", "django", "") for handler in logging.getLogger(name).handlers
                if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)
                and getattr(handler, "name", None) == "console"}
    assert handlers, "the console handler of settings.LOGGING is not installed"
    streams = {handler: handler.setStream(log) for handler in handlers}
    try:
        call_command(*args, stdout=log, stderr=log)
    finally:
        for handler, stream in streams.items():
            handler.setStream(stream)
    return [line for line in log.getvalue().splitlines() if line.strip()]


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", EMAIL_CONFIGURED=True)
class JobsWriteEachLineOnceTests(TestCase):
    def test_every_cron_job_writes_its_summary_once(self):
        LoanCommitmentFactory(promised_clear_date="2000-01-03")  # overdue whatever the day
        for args, summary in (
            (("mark_overdue_loans",), "Marked 1 loan commitments as overdue."),
            (("refresh_report_rollups",), "branch-day rows of follow-ups due"),
            (("refresh_report_rollups", "--recent"), "(yesterday and today)"),
            (("send_followup_reminders",), "reminder emails for"),
            (("sync_booking_leads",), "bookings without a lead."),
            (("resume_imports",), "Resumed 0 import(s)"),
            (("purge_imports",), "Deleted 0 import(s)"),
            (("escalate_sla_breaches",), "breached leads in"),
        ):
            with self.subTest(args=args):
                lines = run_into_one_log(*args)
                self.assertEqual(len([line for line in lines if summary in line]), 1, lines)
                self.assertEqual(len(lines), len(set(lines)), lines)
