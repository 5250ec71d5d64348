"""Leads and their follow-ups in the back office."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from common.errors import StateConflict
from leads import services
from leads.admin.service_forms import ServiceAdminMixin, ServiceForm
from leads.loan_book import lead_outstanding_amount
from leads.filters import lead_text_search_q
from leads.models import LOST_REASON_OTHER, FollowUpHistory, Lead, LoanCommitment
from leads.selectors import lost_reasons_visible, users_assignable_by
from leads.services import lead_merge
from organizations.admin_site import BranchScopedAdmin, BranchScopedInline


class FollowUpInline(BranchScopedInline, admin.TabularInline):
    """New follow-ups go through `followup_record`, so the lead's status and dates follow; old ones are history."""

    model = FollowUpHistory
    extra = 0
    fields = ["followup_at", "contact_method", "remarks", "next_followup_date", "created_by"]
    readonly_fields = ["created_by"]
    ordering = ["-followup_at"]


class LoanCommitmentInline(BranchScopedInline, admin.TabularInline):
    """New promises go through `loan_commitment_create`; changes, clearing and cancelling on the commitment's page."""

    model = LoanCommitment
    extra = 0
    fields = ["amount", "paid_amount", "promised_clear_date", "status", "booking", "remarks", "cleared_at"]
    readonly_fields = ["paid_amount", "status", "cleared_at"]
    raw_id_fields = ["booking"]
    show_change_link = True


LEAD_FORM_FIELDS = [
    "customer_name", "passport_number", "contact_number", "cnic", "address", "area", "branch", "lead_source",
    "next_followup_date", "assigned_to", "remarks",
]


class LeadAdminForm(ServiceForm):
    class Meta:
        model = Lead
        fields = LEAD_FORM_FIELDS

    def service_call(self):
        if self.instance.pk is None:
            data = {name: self.cleaned_data[name] for name in LEAD_FORM_FIELDS if name in self.cleaned_data}
            return services.lead_create(actor=self.actor, **data)
        return services.lead_update(
            lead=self.instance, actor=self.actor, **self.changes(services.LEAD_EDITABLE_FIELDS)
        )


class LeadActionForm(admin.helpers.ActionForm):
    # The choices are the signed-in user's catalogue codes, set per request (LeadAdmin.changelist_view); a
    # text field under the list, so the code is judged by `lead_mark_lost` against each lead's own catalogue.
    lost_reason_code = forms.CharField(
        required=False, label=gettext_lazy("Lost for (for “mark lost”)"),
        widget=forms.Select(choices=[(LOST_REASON_OTHER, gettext_lazy("Other"))]),
    )
    lost_reason = forms.CharField(
        required=False, label=gettext_lazy("Lost reason (for “mark lost”; required for Other)")
    )


def lost_reason_choices(user) -> list[tuple[str, str]]:
    """The catalogue codes of the organizations `user` belongs to, once each (`other` last), for the lost action."""
    choices = {}
    for reason in lost_reasons_visible(user=user):
        choices.setdefault(reason.code, reason.label)
    other = choices.pop(LOST_REASON_OTHER, gettext_lazy("Other"))
    return [*choices.items(), (LOST_REASON_OTHER, other)]


@admin.register(Lead)
class LeadAdmin(ServiceAdminMixin, BranchScopedAdmin, SimpleHistoryAdmin):
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
        "organization", "lead_status", "lost_reason", "booking", "last_contacted_at", "converted_at", "lost_at",
        "first_contact_due_at", "sla_escalated_at", "created_by", "created_at", "updated_at", "outstanding_balance",
    ]
    date_hierarchy = "created_at"
    form = LeadAdminForm
    action_form = LeadActionForm
    inlines = [FollowUpInline, LoanCommitmentInline]
    actions = ["mark_interested", "mark_converted", "mark_lost", "merge_into_oldest"]

    @admin.display(description=gettext_lazy("outstanding balance"))
    def outstanding_balance(self, obj):
        """What the customer still owes on open commitments (the API's `outstanding_amount`)."""
        return lead_outstanding_amount(lead=obj) if obj.pk else None

    def get_search_results(self, request, queryset, search_term):
        """Django's word-by-word search, or the API's `q` (a phone as typed, `0321 5550123`, is its E.164)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results = results | queryset.filter(lead_text_search_q(search_term.strip()))
        return results, may_have_duplicates

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        action_form = getattr(response, "context_data", {}).get("action_form")
        if action_form is not None:
            action_form.fields["lost_reason_code"].widget.choices = lost_reason_choices(request.user)
        return response

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = users_assignable_by(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        """New follow-ups and commitments are recorded by their services, so every rule applies."""
        if formset.model not in (FollowUpHistory, LoanCommitment):
            return super().save_formset(request, form, formset, change)
        for instance in formset.save(commit=False):
            if instance.pk is not None:
                continue  # existing rows are read-only here
            if isinstance(instance, FollowUpHistory):
                services.followup_record(
                    lead=form.instance, remarks=instance.remarks, contact_method=instance.contact_method,
                    followup_at=instance.followup_at, next_followup_date=instance.next_followup_date,
                    actor=request.user,
                )
            else:
                services.loan_commitment_create(
                    lead=form.instance, amount=instance.amount, promised_clear_date=instance.promised_clear_date,
                    booking=instance.booking, remarks=instance.remarks, actor=request.user,
                )

    @admin.action(description=gettext_lazy("Merge selected leads into the oldest one"))
    def merge_into_oldest(self, request, queryset):
        """The merge service on the selected leads (already within the member's scope)."""
        leads = list(queryset.order_by("created_at", "id"))
        if len(leads) < 2:
            self.message_user(request, _("Select at least two leads to merge."), messages.WARNING)
            return
        into, *merge = leads
        try:
            lead_merge(into=into, merge=merge, actor=request.user)
        except (StateConflict, ValidationError) as exc:
            detail = exc.detail if isinstance(exc, StateConflict) else "; ".join(exc.messages)
            self.message_user(request, _("Not merged: %(reason)s") % {"reason": detail}, messages.ERROR)
            return
        self.message_user(request, ngettext(
            "%(count)d lead merged into %(lead)s.", "%(count)d leads merged into %(lead)s.", len(merge)
        ) % {"count": len(merge), "lead": into})

    @admin.action(description=gettext_lazy("Mark selected leads interested"))
    def mark_interested(self, request, queryset):
        self.run_service_action(
            request, queryset, lambda lead: services.lead_update(lead=lead, actor=request.user,
                                                                 lead_status="interested"),
            lambda count: ngettext(
                "%(count)d lead marked interested.", "%(count)d leads marked interested.", count
            ) % {"count": count},
        )

    @admin.action(description=gettext_lazy("Mark selected leads converted"))
    def mark_converted(self, request, queryset):
        self.run_service_action(
            request, queryset, lambda lead: services.lead_convert(lead=lead, actor=request.user),
            lambda count: ngettext("%(count)d lead converted.", "%(count)d leads converted.", count) % {"count": count},
        )

    @admin.action(description=gettext_lazy("Mark selected leads lost (pick the reason above)"))
    def mark_lost(self, request, queryset):
        reason = request.POST.get("lost_reason", "")
        code = request.POST.get("lost_reason_code", "") or LOST_REASON_OTHER
        self.run_service_action(
            request, queryset,
            lambda lead: services.lead_mark_lost(
                lead=lead, lost_reason=reason, lost_reason_code=code, actor=request.user
            ),
            lambda count: ngettext(
                "%(count)d lead marked lost.", "%(count)d leads marked lost.", count
            ) % {"count": count},
        )


class FollowUpAdminForm(ServiceForm):
    class Meta:
        model = FollowUpHistory
        fields = ["lead", "followup_at", "contact_method", "remarks", "next_followup_date"]

    def service_call(self):
        return services.followup_record(actor=self.actor, **self.cleaned_data)


@admin.register(FollowUpHistory)
class FollowUpHistoryAdmin(ServiceAdminMixin, BranchScopedAdmin, SimpleHistoryAdmin):
    """Follow-ups are history: added through `followup_record` (the lead follows), never changed."""

    form = FollowUpAdminForm
    list_display = ["lead", "followup_at", "contact_method", "next_followup_date", "created_by"]
    list_filter = ["contact_method", "followup_at"]
    search_fields = ["lead__customer_name", "lead__passport_number", "lead__contact_number", "remarks"]
    list_select_related = ["lead", "created_by"]
    raw_id_fields = ["lead"]
    readonly_fields = ["created_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False
