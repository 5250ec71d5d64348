from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from messaging.encryption import SealedSecret, SecretUnreadable, rotate
from messaging.models import Channel


class Command(BaseCommand):
    """Re-encrypt every channel's secret with the newest DJANGO_FIELD_ENCRYPTION_KEY (the first one listed)."""

    help = (
        "Re-encrypt every stored channel secret with the first key of DJANGO_FIELD_ENCRYPTION_KEY. Rotate "
        "a key by listing the new one first (new,old), running this, then dropping the old key."
    )

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for channel in Channel.objects.select_for_update().exclude(secret=""):
                try:
                    token = rotate(channel.secret.token)
                except SecretUnreadable as exc:
                    raise CommandError(f"Channel {channel.pk}: {exc}") from exc
                Channel.objects.filter(pk=channel.pk).update(secret=SealedSecret(token))
                count += 1
        self.stdout.write(f"Re-encrypted {count} channel secrets with the newest key.")

