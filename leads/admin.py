from django import forms
from django.core.exceptions import ValidationError
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from django.core.exceptions import ValidationError

from leads import services
from leads.services.merge import lead_merge
from common.errors import StateConflict
from leads.loan_book import lead_outstanding_amount
from leads.models import (
    FINAL_LEAD_STATUSES,
    FollowUpHistory,
    FollowUpReminder,
    Lead,
    LoanCommitment,
    LoanPayment,
    LostReason,
)
from organizations.admin_site import BranchScopedAdmin, is_member
from organizations.models import MembershipRole, Organization, user_sees_everything


class FollowUpInline(admin.TabularInline):
    """New follow-ups go through `followup_record`, so the lead's status and dates follow; old ones are history."""

    model = FollowUpHistory
    extra = 0
    fields = ["followup_at", "contact_method", "remarks", "next_followup_date", "created_by"]
    readonly_fields = ["created_by"]
    ordering = ["-followup_at"]

    def has_change_permission(self, request, obj=None):
        return False


class LoanCommitmentInline(admin.TabularInline):
    model = LoanCommitment
    extra = 0
    fields = ["amount", "paid_amount", "promised_clear_date", "status", "booking", "remarks", "cleared_at"]
    readonly_fields = ["paid_amount", "status", "cleared_at"]
    raw_id_fields = ["booking"]


class LeadAdminForm(forms.ModelForm):
    def clean_lead_status(self):
        # Closing or re-opening a lead has its own rules (timestamps, 409s): only the services do it.
        status, initial = self.cleaned_data["lead_status"], self.initial.get("lead_status")
        if status != initial and (status in FINAL_LEAD_STATUSES or initial in FINAL_LEAD_STATUSES):
            raise forms.ValidationError(
                "Converted and lost are final and set by the convert action or the API's convert/lost endpoints."
            )
        return status


@admin.register(Lead)
class LeadAdmin(BranchScopedAdmin, SimpleHistoryAdmin):
    list_display = [
        "customer_name", "contact_number", "passport_number", "branch", "lead_status", "lead_source",
        "next_followup_date", "assigned_to", "created_at",
    ]
    # RelatedOnly: a member's filter lists only organizations and branches of rows they can see.
    list_filter = [
        "lead_status", "lead_source", ("organization", admin.RelatedOnlyFieldListFilter),
        ("branch", admin.RelatedOnlyFieldListFilter), "next_followup_date",
    ]
    search_fields = ["customer_name", "passport_number", "contact_number", "cnic"]
    list_select_related = ["branch", "assigned_to"]
    readonly_fields = [
        "organization", "booking", "last_contacted_at", "converted_at", "lost_at", "created_by", "created_at",
        "updated_at", "outstanding_balance",
    ]
    raw_id_fields = ["assigned_to"]
    date_hierarchy = "created_at"
    form = LeadAdminForm
    inlines = [FollowUpInline, LoanCommitmentInline]
    actions = ["mark_converted", "merge_into_oldest"]

    @admin.display(description="outstanding balance")
    def outstanding_balance(self, obj):
        """What the customer still owes on open commitments (the API's `outstanding_amount`)."""
        return lead_outstanding_amount(lead=obj) if obj.pk else None

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """New follow-ups and commitments are recorded by their services, so every rule applies."""
        if formset.model not in (FollowUpHistory, LoanCommitment):
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for instance in instances:
            if instance.pk:
                instance.save()
            elif isinstance(instance, FollowUpHistory):
                services.followup_record(
                    lead=form.instance, remarks=instance.remarks, contact_method=instance.contact_method,
                    followup_at=instance.followup_at, next_followup_date=instance.next_followup_date,
                    created_by=request.user,
                )
            else:
                services.loan_commitment_create(
                    lead=form.instance, amount=instance.amount, promised_clear_date=instance.promised_clear_date,
                    booking=instance.booking, remarks=instance.remarks, created_by=request.user,
                )
        for obj in formset.deleted_objects:
            obj.delete()

    @admin.action(description="Merge selected leads into the oldest one")
    def merge_into_oldest(self, request, queryset):
        """The merge service on the selected leads (already within the member's scope)."""
        leads = list(queryset.order_by("created_at", "id"))
        if len(leads) < 2:
            self.message_user(request, "Select at least two leads to merge.", messages.WARNING)
            return
        into, *merge = leads
        try:
            lead_merge(into=into, merge=merge, merged_by=request.user)
        except (StateConflict, ValidationError) as exc:
            detail = exc.detail if isinstance(exc, StateConflict) else "; ".join(exc.messages)
            self.message_user(request, f"Not merged: {detail}", messages.ERROR)
            return
        self.message_user(request, f"{len(merge)} lead(s) merged into {into}.")

    @admin.action(description="Mark selected leads converted")
    def mark_converted(self, request, queryset):
        converted = 0
        for lead in queryset:
            try:
                services.lead_convert(lead=lead, converted_by=request.user)
                converted += 1
            except StateConflict as exc:
                self.message_user(request, f"{lead}: {exc.detail}", messages.WARNING)
        self.message_user(request, f"{converted} lead(s) converted.")


@admin.register(FollowUpHistory)
class FollowUpHistoryAdmin(BranchScopedAdmin, SimpleHistoryAdmin):
    list_display = ["lead", "followup_at", "contact_method", "next_followup_date", "created_by"]
    list_filter = ["contact_method", "followup_at"]
    search_fields = ["lead__customer_name", "lead__passport_number", "lead__contact_number", "remarks"]
    list_select_related = ["lead", "created_by"]
    raw_id_fields = ["lead"]


class LoanPaymentInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        # The service's own checks, so a refused payment is a message on the row, not a server error;
        # the service judges again under the row lock when it records the payments.
        super().clean()
        remaining = self.instance.balance
        for form in self.forms:
            if form.instance.pk or not form.has_changed() or form.errors or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            try:
                services.loan_payment_check_input(amount=data["amount"], paid_at=data["paid_at"], method=data["method"])
                self.instance.paid_amount = self.instance.amount - remaining
                services.loan_payment_check_balance(commitment=self.instance, amount=data["amount"])
            except ValidationError as exc:
                for field, messages_ in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
                continue
            except StateConflict as exc:
                form.add_error(None, exc.detail)
                continue
            remaining -= data["amount"]


class LoanPaymentInline(admin.TabularInline):
    """Payments on the commitment: new rows are recorded through `loan_payment_record`; recorded ones are history."""

    model = LoanPayment
    formset = LoanPaymentInlineFormSet
    extra = 0
    fields = ["amount", "paid_at", "method", "reference", "created_by"]
    readonly_fields = ["created_by"]
    ordering = ["-paid_at", "-id"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoanCommitment)
class LoanCommitmentAdmin(BranchScopedAdmin, SimpleHistoryAdmin):
    list_display = ["lead", "amount", "paid_amount", "promised_clear_date", "status", "booking", "cleared_at"]
    list_filter = ["status", "promised_clear_date"]
    search_fields = ["lead__customer_name", "lead__passport_number", "lead__contact_number"]
    list_select_related = ["lead", "booking"]
    raw_id_fields = ["lead", "booking"]
    readonly_fields = ["paid_amount", "balance", "rescheduled_from"]
    inlines = [LoanPaymentInline]

    @admin.display(description="balance")
    def balance(self, obj):
        return obj.balance if obj.pk else None

    def save_formset(self, request, form, formset, change):
        """New payments are recorded by `loan_payment_record` (lock, balance, clearing, booking); old ones stay."""
        if formset.model is not LoanPayment:
            return super().save_formset(request, form, formset, change)
        for instance in formset.save(commit=False):
            if instance.pk is None:
                services.loan_payment_record(
                    commitment=form.instance, amount=instance.amount, paid_at=instance.paid_at,
                    method=instance.method, reference=instance.reference, created_by=request.user,
                )


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
