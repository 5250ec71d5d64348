"""The admin site, opened to branch staff: each sees only the rows of their own branches.

Staff and superusers keep Django's usual permission checks and see everything. A signed-in
member (org admin or branch user) may sign in too, and every model admin built on
`BranchScopedAdmin` restricts its rows, its permissions and its branch choices to the member's
scope through the same `visible_to(user)` the API uses.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from organizations.models import Branch, Membership, user_sees_everything


def is_member(user) -> bool:
    return bool(user.is_active and user.is_authenticated and Membership.objects.filter(user=user).exists())


class MemberAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, admitting branch members as well as staff."""

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not (user.is_staff or is_member(user)):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class LeadsAdminSite(admin.AdminSite):
    site_header = "Leads back office"
    site_title = "Leads admin"
    index_title = "Leads, follow-ups and bookings"
    login_form = MemberAuthenticationForm

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and (user.is_staff or is_member(user)))


class BranchScopedAdmin(admin.ModelAdmin):
    """A model admin whose rows and branch choices follow the member's scope.

    Members may view, add and change the scoped models (`member_can_write`), never delete;
    staff and superusers go through Django's own permissions.
    """

    member_can_write = True

    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user)

    def _is_scoped_member(self, request) -> bool:
        return not user_sees_everything(request.user) and is_member(request.user)

    def has_module_permission(self, request):
        return self._is_scoped_member(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._is_scoped_member(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        if self._is_scoped_member(request):
            return self.member_can_write
        return super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        if self._is_scoped_member(request):
            return self.member_can_write
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._is_scoped_member(request):
            return False
        return super().has_delete_permission(request, obj)

    # History pages (django-simple-history) look objects up outside get_queryset: scope them here,
    # and keep them read-only, since a "revert" would save a past version past the services' rules.
    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        if request.method == "POST":
            raise PermissionDenied("History is read-only; change the object itself.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Branch:
            kwargs["queryset"] = Branch.objects.visible_to(request.user)
        elif hasattr(db_field.related_model.objects, "visible_to"):
            kwargs["queryset"] = db_field.related_model.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
