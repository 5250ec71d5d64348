from rest_framework.permissions import BasePermission

from organizations.models import has_any_membership


class IsBranchUser(BasePermission):
    """Signed in and a member of a branch or organization, or staff; else 403 (401 when anonymous).

    It answers "may this user use the branch endpoints at all"; which rows they reach is the
    queryset's `visible_to(user)`.
    """

    message = "You are not a member of any branch or organization."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and has_any_membership(user))


class IsBranchManager(BasePermission):
    """Signed in and an org admin, a branch manager, or staff; else 403 (401 when anonymous).

    It answers "may this user manage any branch at all"; which branches is `manages_branch`.
    """

    message = "Only branch managers and organization admins may do this."

    def has_permission(self, request, view):
        from organizations.scoping import managed_branch_ids, user_sees_everything

        user = request.user
        return bool(user and user.is_authenticated and (user_sees_everything(user) or managed_branch_ids(user)))
