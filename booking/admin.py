from django.contrib import admin

from booking.models import Booking
from organizations.admin_site import BranchScopedAdmin


@admin.register(Booking)
class BookingAdmin(BranchScopedAdmin):
    list_display = ["reference", "customer_name", "branch", "status", "total_amount", "paid_amount", "created_at"]
    list_filter = [
        "status", ("organization", admin.RelatedOnlyFieldListFilter), ("branch", admin.RelatedOnlyFieldListFilter)
    ]
    search_fields = ["reference", "customer_name", "passport_number", "contact_number", "cnic"]
    list_select_related = ["branch"]
    readonly_fields = ["reference", "organization", "created_by", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    member_can_write = False
