"""Who may manage an organization's messaging (channels, templates): its org admins, and staff."""

from rest_framework.permissions import BasePermission

from organizations.models import Membership, MembershipRole
from organizations.scoping import user_sees_everything


def administered_organization_ids(user) -> list[int] | None:
    """The organizations `user` is org admin of; None means every one (staff, superusers)."""
    if user_sees_everything(user):
        return None
    if not (user and user.is_authenticated):
        return []
    cached = getattr(user, "_administered_organization_ids", None)
    if cached is None:
        cached = sorted(
            Membership.objects.filter(user=user, role=MembershipRole.ORG_ADMIN, branch__isnull=True)
            .values_list("organization_id", flat=True)
        )
        user._administered_organization_ids = cached
    return cached


def administers_organization(user, organization_id: int) -> bool:
    ids = administered_organization_ids(user)
    return ids is None or organization_id in ids


class IsOrganizationAdmin(BasePermission):
    """Staff, or an org admin of some organization; else 403 (401 when anonymous)."""

    message = "Only an organization admin manages its messaging channels and templates."

    def has_permission(self, request, view):
        ids = administered_organization_ids(request.user)
        return bool(request.user and request.user.is_authenticated and (ids is None or ids))
