import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from intake.models import IntakeSource
from intake.services import meta_page_connect


class Command(BaseCommand):
    """Connect a Facebook page's Lead Ads to an intake source (its branch; leads get lead_source meta_ads)."""

    help = (
        "Connect --page-id to intake source --source with the page's access token (leads_retrieval), or "
        "replace the token of a page already connected. The token is read from --access-token or, safer "
        "(not in the shell history), from the META_PAGE_ACCESS_TOKEN environment variable."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, required=True, metavar="ID", help="The intake source's id.")
        parser.add_argument("--page-id", required=True, help="The Facebook page's id (digits).")
        parser.add_argument("--access-token", default=None, help="The page access token.")
        parser.add_argument("--name", default="", help="The page's name, for the admin.")

    def handle(self, *args, **options):
        source = IntakeSource.objects.filter(pk=options["source"]).first()
        if source is None:
            raise CommandError(f"No intake source with id {options['source']}.")
        token = options["access_token"] or os.environ.get("META_PAGE_ACCESS_TOKEN", "")
        try:
            page = meta_page_connect(actor=None, source=source, page_id=options["page_id"], access_token=token,
                                     name=options["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items())) from exc
        self.stdout.write(f"Page {page.page_id} now feeds intake source {source.pk} ({source.name}).")
