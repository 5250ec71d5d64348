from django.contrib import admin

from booking.models import Booking
from booking.services import booking_create
from organizations.admin_site import BranchScopedAdmin, adopt


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
    create_fields = ["branch", "customer_name", "passport_number", "contact_number", "cnic", "total_amount",
                     "paid_amount", "status"]

    def get_readonly_fields(self, request, obj=None):
        # The customer's identity is the booking's record (its lead was matched on it): set once, by the service.
        identity = ["branch", "customer_name", "passport_number", "contact_number", "cnic"]
        return [*self.readonly_fields, *identity] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        """A new booking goes through `booking_create` (normalised identity, amount rules, its lead)."""
        if change:
            return super().save_model(request, obj, form, change)
        data = {name: form.cleaned_data[name] for name in self.create_fields if name in form.cleaned_data}
        adopt(obj, booking_create(actor=request.user, **data))
