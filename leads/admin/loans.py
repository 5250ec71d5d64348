"""Loan commitments and their payments in the back office."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from common.api.fields import AMOUNT_FORMFIELD_OVERRIDES
from leads import services
from leads.admin.service_forms import ServiceAdminMixin, ServiceForm
from leads.models import LoanCommitment, LoanPayment
from organizations.admin_site import SERVICE_ERRORS, BranchScopedAdmin, BranchScopedInline, show_service_error


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
            except SERVICE_ERRORS as exc:
                show_service_error(form, exc)
                continue
            remaining -= data["amount"]


class LoanPaymentInline(BranchScopedInline, admin.TabularInline):
    """Payments on the commitment: new rows are recorded through `loan_payment_record`; recorded ones are history.

    Branch members add them as staff do (BranchScopedInline: view and add, never change or delete).
    """

    model = LoanPayment
    formset = LoanPaymentInlineFormSet
    formfield_overrides = AMOUNT_FORMFIELD_OVERRIDES  # amounts in ASCII digits, as the API takes them
    extra = 0
    fields = ["amount", "paid_at", "method", "reference", "receipt_number", "balance_after", "created_by"]
    readonly_fields = ["receipt_number", "balance_after", "created_by"]
    ordering = ["-paid_at", "-id"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LoanCommitmentAdminForm(ServiceForm):
    class Meta:
        model = LoanCommitment
        fields = ["lead", "booking", "amount", "promised_clear_date", "remarks"]

    def service_call(self):
        if self.instance.pk is None:
            return services.loan_commitment_create(actor=self.actor, **self.cleaned_data)
        changes = self.changes(services.LOAN_EDITABLE_FIELDS)
        new_date = changes.pop("promised_clear_date", None)
        if new_date is None:
            return services.loan_commitment_update(commitment=self.instance, actor=self.actor, **changes)
        # A promise moved to another day is a broken promise replaced by a new one, as `reschedule/` does in
        # the API: the other changes first, then the reschedule (the new promise is the page's object).
        with transaction.atomic():
            commitment = self.instance
            if changes:
                commitment = services.loan_commitment_update(commitment=commitment, actor=self.actor, **changes)
            return services.loan_commitment_reschedule(
                commitment=commitment, promised_clear_date=new_date, actor=self.actor
            )


@admin.register(LoanCommitment)
class LoanCommitmentAdmin(ServiceAdminMixin, BranchScopedAdmin, SimpleHistoryAdmin):
    """Promises through the loan services: the status and its dates change only by the clear/cancel actions."""

    form = LoanCommitmentAdminForm
    list_display = ["lead", "amount", "paid_amount", "promised_clear_date", "status", "booking", "cleared_at"]
    list_filter = ["status", "promised_clear_date"]
    search_fields = ["lead__customer_name", "lead__passport_number", "lead__contact_number"]
    list_select_related = ["lead", "booking"]
    raw_id_fields = ["lead", "booking"]
    readonly_fields = ["status", "cleared_at", "paid_amount", "balance", "rescheduled_from", "created_by"]
    inlines = [LoanPaymentInline]
    actions = ["mark_cleared", "mark_cancelled"]

    def get_readonly_fields(self, request, obj=None):
        # A commitment never moves to another lead.
        return [*self.readonly_fields, "lead"] if obj is not None else self.readonly_fields

    def _close(self, request, queryset, close, done) -> None:
        """`close` (the clear or cancel service) on each selected commitment, as the signed-in user."""
        self.run_service_action(
            request, queryset, lambda commitment: close(commitment=commitment, actor=request.user), done
        )

    @admin.action(description=gettext_lazy("Mark selected commitments cleared"))
    def mark_cleared(self, request, queryset):
        self._close(request, queryset, services.loan_commitment_clear, lambda count: ngettext(
            "%(count)d commitment cleared.", "%(count)d commitments cleared.", count
        ) % {"count": count})

    @admin.action(description=gettext_lazy("Cancel selected commitments"))
    def mark_cancelled(self, request, queryset):
        self._close(request, queryset, services.loan_commitment_cancel, lambda count: ngettext(
            "%(count)d commitment cancelled.", "%(count)d commitments cancelled.", count
        ) % {"count": count})

    @admin.display(description=gettext_lazy("balance"))
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
                    method=instance.method, reference=instance.reference, actor=request.user,
                )
