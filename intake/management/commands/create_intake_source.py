from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from intake.services import intake_source_create
from leads.models import LeadSource
from organizations.models import Branch


class Command(BaseCommand):
    """Create an intake source for a branch and print its key, once (only its hash is kept)."""

    help = (
        "Create an intake source posting new leads into --branch and print its key on the last line, once: "
        "only its hash is stored, so a lost key is replaced by creating another source (and revoking the old "
        "one in the desk or the admin). Use it with POST /api/leads/intake/ (X-Intake-Key header)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--branch", type=int, required=True, metavar="ID", help="The branch new leads go to.")
        parser.add_argument("--name", required=True, help="The source's name (shown on a returning customer's follow-up).")
        parser.add_argument("--lead-source", default=LeadSource.WEB_FORM, choices=LeadSource.values,
                            help="The lead_source new leads get (default: %(default)s).")
        parser.add_argument("--allowed-origin", action="append", default=[], metavar="ORIGIN", dest="allowed_origins",
                            help="A website allowed to post from its pages (https://www.example.com); repeatable.")
        parser.add_argument("--asks-consent", action="store_true", help="The form asks consent to WhatsApp/SMS messages.")

    def handle(self, *args, **options):
        branch = Branch.objects.filter(pk=options["branch"]).first()
        if branch is None:
            raise CommandError(f"No branch with id {options['branch']}.")
        try:
            created = intake_source_create(
                actor=None, branch=branch, name=options["name"], lead_source=options["lead_source"],
                allowed_origins=options["allowed_origins"], asks_consent=options["asks_consent"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items())) from exc
        self.stdout.write(
            f"Created intake source {created.source.pk} ({created.source.name}) for branch {branch}. "
            "Its key, shown this once:"
        )
        self.stdout.write(created.key)
