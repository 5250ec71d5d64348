"""Staff pages: the reminder log and each organization's lost-reason catalogue."""

from django import forms
from django.contrib import admin

from leads import services
from leads.models import FollowUpReminder, LostReason
from organizations.admin_site import is_member
from organizations.models import MembershipRole, Organization, user_sees_everything


@admin.register(FollowUpReminder)
class FollowUpReminderAdmin(admin.ModelAdmin):
    """Staff-only view of who got their follow-up digest when; deleting a row lets the next run send it again."""

    list_display = ["user", "day", "lead_count", "claimed_at", "sent_at"]
    list_filter = ["day"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    date_hierarchy = "day"
    readonly_fields = ["user", "day", "lead_count", "claimed_at", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LostReasonAdminForm(forms.ModelForm):
    class Meta:
        model = LostReason
        fields = ["organization", "code", "label"]

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            try:
                services.lost_reason_validate(reason=self.instance)
            except forms.ValidationError as exc:
                self._update_errors(exc)


@admin.register(LostReason)
class LostReasonAdmin(admin.ModelAdmin):
    """Each organization's lost-reason catalogue: members see their organizations', org admins add and reword."""

    form = LostReasonAdminForm
    list_display = ["label", "code", "organization"]
    list_filter = [("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "label"]
    list_select_related = ["organization"]

    def _is_scoped_member(self, request) -> bool:
        return not user_sees_everything(request.user) and is_member(request.user)

    def _admin_organizations(self, request):
        return Organization.objects.filter(
            memberships__user=request.user, memberships__role=MembershipRole.ORG_ADMIN
        ).distinct()

    def get_queryset(self, request):
        return LostReason.objects.of_organizations_of(request.user)

    def has_module_permission(self, request):
        return self._is_scoped_member(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._is_scoped_member(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        if self._is_scoped_member(request):
            return self._admin_organizations(request).exists()
        return super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if self._is_scoped_member(request):
            organizations = self._admin_organizations(request)
            return organizations.filter(pk=obj.organization_id).exists() if obj else organizations.exists()
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Leads point at their reason (PROTECT); members never delete, staff only unused reasons.
        return False if self._is_scoped_member(request) else super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ["organization"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization" and self._is_scoped_member(request):
            kwargs["queryset"] = self._admin_organizations(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.lost_reason_save(reason=obj)
