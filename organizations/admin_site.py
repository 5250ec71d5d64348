"""The admin site, opened to branch staff: each sees only the rows of their own branches.

Staff and superusers keep Django's usual permission checks and see everything. A signed-in
member (org admin or branch user) may sign in too, and every model admin built on
`BranchScopedAdmin` restricts its rows, its permissions and its branch choices to the member's
scope through the same `visible_to(user)` the API uses.
"""

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import unquote
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.api.fields import AMOUNT_FORMFIELD_OVERRIDES
from common.errors import OutOfScope, StateConflict
from organizations.models import Branch, Membership, has_any_membership, user_sees_everything

SERVICE_ERRORS = (ValidationError, StateConflict, OutOfScope)


def describe_service_error(exc: Exception) -> str:
    """A service's refusal in words for an admin message (field names and messages; never the values)."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items())
        return " ".join(exc.messages)
    if isinstance(exc, OutOfScope):
        return _("It is not in your branches (any more).")
    return exc.detail


def adopt(obj, saved) -> None:
    """Make the admin's unsaved `obj` the row the service saved (pk, every column), for the admin's redirect and log."""
    for field in type(saved)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding, obj._state.db = False, saved._state.db


class _Rehearsal(Exception):
    """Raised to roll back a rehearsed service call."""


def rehearse_on_form(form, call) -> None:
    """Run the service `call` in a savepoint that is always rolled back, showing its refusal on `form`.

    The admin's way to show a service's `ValidationError` on the field it names (and anything else as a
    form error) before the real call in `save_model`: the rules stay in the service, judged once more there.
    """
    try:
        with transaction.atomic():
            call()
            raise _Rehearsal
    except _Rehearsal:
        pass
    except SERVICE_ERRORS as exc:
        show_service_error(form, exc)


def show_service_error(form, exc: Exception) -> None:
    """A service's refusal on `form`: a `ValidationError` on the fields it names (the rest, and a
    message without fields, as form errors), a state conflict or scope refusal as a form error."""
    if isinstance(exc, ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        for field, messages_ in errors.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, describe_service_error(exc))


def is_member(user) -> bool:
    """An active member of a branch or organization.

    For non-staff users it is answered from their branch scope, memoised for the request, so the
    admin's many permission checks per page cost one query, not one each."""
    if user_sees_everything(user):  # their scope is every branch: ask about memberships themselves
        return bool(user.is_active and Membership.objects.filter(user=user).exists())
    return bool(user.is_active and has_any_membership(user))


class MemberAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, admitting branch members as well as staff."""

    throttled = None  # the `LoginThrottled` refusal, when the attempt was over a login limit

    def clean(self):
        from organizations.backends import LoginThrottled

        try:
            return super().clean()
        except LoginThrottled as exc:
            self.throttled = exc
            raise ValidationError(
                _("Too many sign-in attempts. Try again in %(seconds)s seconds."),
                code="throttled",
                params={"seconds": exc.wait},
            ) from None

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not (user.is_staff or is_member(user)):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class LeadsAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Leads back office")
    site_title = gettext_lazy("Leads admin")
    index_title = gettext_lazy("Leads, follow-ups and bookings")
    login_form = MemberAuthenticationForm
    index_template = "admin/leads_index.html"  # the admin's index with a link to the desk's dashboard

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and (user.is_staff or is_member(user)))

    def login(self, request, extra_context=None):
        """Django's admin login; an attempt over a login limit (organizations/backends.py) is the form
        again with the wait as its error, answered 429 with `Retry-After`."""
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        throttled = getattr(form, "throttled", None)
        if throttled is not None:
            response.status_code = 429
            response["Retry-After"] = str(throttled.wait)
        return response


class BranchScopedAdmin(admin.ModelAdmin):
    """A model admin whose rows and branch choices follow the member's scope.

    Members may view, add and change the scoped models (`member_can_write`), never delete;
    staff and superusers go through Django's own permissions.
    """

    member_can_write = True
    formfield_overrides = AMOUNT_FORMFIELD_OVERRIDES  # amounts in ASCII digits, as the API takes them

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A service refusing at save time (a race the form could not see) rolls the whole page's
        writes back and answers the form again with the refusal as a message: never a server error."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SERVICE_ERRORS as exc:
            self.message_user(
                request, _("Nothing was saved: %(reason)s") % {"reason": describe_service_error(exc)}, messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())

    def run_service_action(self, request, queryset, call, done) -> None:
        """An admin action: `call(obj)` (a service) on each selected row; refusals are messages, not errors.

        `done(count)` words the outcome (an `ngettext` for the count of rows it succeeded on)."""
        succeeded = 0
        for obj in queryset:
            try:
                call(obj)
                succeeded += 1
            except SERVICE_ERRORS as exc:
                self.message_user(request, f"{obj}: {describe_service_error(exc)}", messages.WARNING)
        self.message_user(request, done(succeeded))

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
            raise PermissionDenied(_("History is read-only; change the object itself."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Branch:
            kwargs["queryset"] = Branch.objects.visible_to(request.user)
        elif hasattr(db_field.related_model.objects, "visible_to"):
            kwargs["queryset"] = db_field.related_model.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BranchScopedInline:
    """An inline of a `BranchScopedAdmin` page: members may view and add rows, never change or delete them
    (rows are history or have their own admin whose saves go through the services)."""

    can_delete = False
    formfield_overrides = AMOUNT_FORMFIELD_OVERRIDES

    def _is_scoped_member(self, request) -> bool:
        return not user_sees_everything(request.user) and is_member(request.user)

    def has_view_permission(self, request, obj=None):
        return self._is_scoped_member(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._is_scoped_member(request) or super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
