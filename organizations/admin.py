from django.contrib import admin

from organizations.admin_site import BranchScopedAdmin
from organizations.models import Branch, Membership, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(Branch)
class BranchAdmin(BranchScopedAdmin):
    list_display = ["name", "code", "organization", "city", "area"]
    list_filter = ["organization"]
    search_fields = ["name", "code", "city", "area"]
    member_can_write = False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "branch", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "organization__name", "branch__name", "branch__code"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "organization", "branch"]
