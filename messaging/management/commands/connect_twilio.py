from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from messaging.management.commands.connect_whatsapp import _branch, _errors, _organization
from messaging.services.channels import channel_connect_twilio


class Command(BaseCommand):
    """Connect an organization's Twilio SMS sender; the auth token is stored encrypted."""

    help = (
        "Connect (or re-connect) an organization's Twilio account for SMS: the account SID, its auth token "
        "(stored encrypted with DJANGO_FIELD_ENCRYPTION_KEY, never printed) and the sending number "
        "(--from, E.164) or a messaging service (--messaging-service-sid)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", type=int, required=True, help="The organization's id.")
        parser.add_argument("--account-sid", required=True, help="The Twilio account SID (AC…).")
        parser.add_argument("--auth-token", required=True, help="The account's auth token.")
        parser.add_argument("--from", dest="from_number", default="", help="The sending number, E.164.")
        parser.add_argument("--messaging-service-sid", default="", help="A messaging service (MG…) instead of --from.")
        parser.add_argument("--intake-branch", type=int, default=None, help="Branch id for new leads from SMS.")
        parser.add_argument("--daily-limit", type=int, default=None, help="The most messages sent per business day.")

    def handle(self, *args, **options):
        try:
            channel = channel_connect_twilio(
                organization=_organization(options["organization"]),
                account_sid=options["account_sid"],
                auth_token=options["auth_token"],
                from_number=options["from_number"],
                messaging_service_sid=options["messaging_service_sid"],
                intake_branch=_branch(options["intake_branch"]),
                daily_limit=options["daily_limit"],
            )
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from exc
        sender = channel.from_number or channel.messaging_service_sid
        self.stdout.write(f"Connected SMS channel {channel.pk} ({sender}) for {channel.organization}.")
