from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from messaging.services.channels import channel_connect_whatsapp
from organizations.models import Branch, Organization


def _organization(pk: int) -> Organization:
    organization = Organization.objects.filter(pk=pk).first()
    if organization is None:
        raise CommandError(f"No organization with id {pk}.")
    return organization


def _branch(pk: int | None) -> Branch | None:
    if pk is None:
        return None
    branch = Branch.objects.filter(pk=pk).first()
    if branch is None:
        raise CommandError(f"No branch with id {pk}.")
    return branch


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())


class Command(BaseCommand):
    """Connect an organization's WhatsApp Business number (Cloud API); the token is stored encrypted."""

    help = (
        "Connect (or re-connect) an organization's WhatsApp Business number: its phone number id and a "
        "system user's permanent access token (stored encrypted with DJANGO_FIELD_ENCRYPTION_KEY, never "
        "printed). Messages from unknown numbers become leads in --intake-branch (default: the first branch)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", type=int, required=True, help="The organization's id.")
        parser.add_argument("--phone-number-id", required=True, help="The number's id in Meta's WhatsApp Manager.")
        parser.add_argument("--access-token", required=True, help="A system user's permanent access token.")
        parser.add_argument("--business-account-id", default="", help="The WhatsApp Business Account id.")
        parser.add_argument("--display-phone-number", default="", help="The number as customers see it (E.164).")
        parser.add_argument("--intake-branch", type=int, default=None, help="Branch id for new leads from messages.")
        parser.add_argument("--daily-limit", type=int, default=None, help="The most messages sent per business day.")

    def handle(self, *args, **options):
        try:
            channel = channel_connect_whatsapp(
                organization=_organization(options["organization"]),
                phone_number_id=options["phone_number_id"],
                access_token=options["access_token"],
                business_account_id=options["business_account_id"],
                display_phone_number=options["display_phone_number"],
                intake_branch=_branch(options["intake_branch"]),
                daily_limit=options["daily_limit"],
            )
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from exc
        self.stdout.write(
            f"Connected WhatsApp channel {channel.pk} (phone number id {channel.phone_number_id}) for "
            f"{channel.organization}; new leads from messages go to {channel.intake_branch}."
        )
