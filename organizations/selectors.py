"""Reads of organizations that callers share."""

from django.db.models import Exists, OuterRef, QuerySet

from organizations.models import Membership, Organization
from organizations.scoping import user_sees_everything


def organizations_visible_to(*, user) -> QuerySet[Organization]:
    """The organizations `user` is a member of (any role, any branch of it); every one for staff."""
    if user_sees_everything(user):
        return Organization.objects.all()
    return Organization.objects.filter(Exists(Membership.objects.filter(user=user, organization_id=OuterRef("pk"))))
