"""Intake reads: the sources a user administers, and the active source a presented key opens."""

from django.db.models import QuerySet

from intake.keys import secret_matches, split_key
from intake.models import IntakeSource


def intake_sources_administered(*, user) -> QuerySet[IntakeSource]:
    """The intake sources `user` may see and revoke (org admin of their organization, or staff), newest first."""
    return (
        IntakeSource.objects.administered_by(user)
        .select_related("branch", "organization")
        .order_by("-created_at", "-id")
    )


def intake_source_for_key(key) -> IntakeSource | None:
    """The active source whose key this is (prefix found, secret's hash equal in constant time), else None."""
    parts = split_key(key)
    if parts is None:
        return None
    prefix, secret = parts
    # One indexed query (key_prefix is unique), nothing joined: the request needs only the source's own row.
    found = list(IntakeSource.objects.filter(key_prefix=prefix, revoked_at__isnull=True).order_by()[:1])
    source = found[0] if found else None
    if source is None or not secret_matches(secret, source.key_hash):
        return None
    return source
