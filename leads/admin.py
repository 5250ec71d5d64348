from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from leads.models import FollowUpHistory, Lead, LoanCommitment
from organizations.admin_site import BranchScopedAdmin


class FollowUpInline(admin.TabularInline):
    model = FollowUpHistory
    extra = 0
    fields = ["followup_at", "contact_method", "remarks", "next_followup_date", "created_by"]
    readonly_fields = ["created_by"]
    ordering = ["-followup_at"]


class LoanCommitmentInline(admin.TabularInline):
    model = LoanCommitment
    extra = 0
    fields = ["amount", "promised_clear_date", "status", "booking", "remarks", "cleared_at"]
    readonly_fields = ["cleared_at"]
    raw_id_fields = ["booking"]


@admin.register(Lead)
class LeadAdmin(BranchScopedAdmin, SimpleHistoryAdmin):
    list_display = [
        "customer_name", "contact_number", "passport_number", "branch", "lead_status", "lead_source",
        "next_followup_date", "assigned_to", "created_at",
    ]
    list_filter = ["lead_status", "lead_source", "organization", "branch", "next_followup_date"]
    search_fields = ["customer_name", "passport_number", "contact_number", "cnic"]
    list_select_related = ["branch", "assigned_to"]
    readonly_fields = [
        "organization", "booking", "last_contacted_at", "converted_at", "lost_at", "created_by", "created_at",
        "updated_at",
    ]
    raw_id_fields = ["assigned_to"]
    date_hierarchy = "created_at"
    inlines = [FollowUpInline, LoanCommitmentInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(FollowUpHistory)
class FollowUpHistoryAdmin(BranchScopedAdmin, SimpleHistoryAdmin):
    list_display = ["lead", "followup_at", "contact_method", "next_followup_date", "created_by"]
    list_filter = ["contact_method", "followup_at"]
    search_fields = ["lead__customer_name", "lead__passport_number", "lead__contact_number", "remarks"]
    list_select_related = ["lead", "created_by"]
    raw_id_fields = ["lead"]


@admin.register(LoanCommitment)
class LoanCommitmentAdmin(BranchScopedAdmin, SimpleHistoryAdmin):
    list_display = ["lead", "amount", "promised_clear_date", "status", "booking", "cleared_at"]
    list_filter = ["status", "promised_clear_date"]
    search_fields = ["lead__customer_name", "lead__passport_number", "lead__contact_number"]
    list_select_related = ["lead", "booking"]
    raw_id_fields = ["lead", "booking"]
