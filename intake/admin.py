"""Intake in the admin: sources (created through the service; the key shown once, on the page that follows),
revoked by an action; Meta pages connected through the service; Meta leads to read."""

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from intake.models import IntakeSource, IntakeSubmission, MetaLead, MetaPage
from intake.services import intake_source_create, intake_source_revoke, intake_source_update, meta_page_connect
from intake.services.sources import SOURCE_EDITABLE_FIELDS, administers_any_organization
from intake.snippet import form_snippet
from organizations.admin_site import BranchScopedAdmin, adopt, rehearse_on_form
from organizations.models import Branch, Membership, MembershipRole
from organizations.scoping import user_sees_everything


class OriginsField(forms.CharField):
    """The allowed origins as one per line (the service checks each)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class IntakeSourceForm(forms.ModelForm):
    allowed_origins = OriginsField(
        required=False, label=gettext_lazy("allowed origins"),
        help_text=gettext_lazy("One per line, such as https://www.example.com; empty: any."),
    )
    redirect_url = forms.URLField(
        required=False, assume_scheme="https", max_length=500, label=gettext_lazy("thank-you page"),
        help_text=gettext_lazy("Where a browser is sent after its form post is received; empty: a JSON answer."),
    )

    class Meta:
        model = IntakeSource
        fields = ["branch", "name", "lead_source", "allowed_origins", "asks_consent", "redirect_url"]


class OrgAdminScopedAdmin(BranchScopedAdmin):
    """Rows of the organizations the member administers (org admins only; branch users see nothing here)."""

    def _is_scoped_member(self, request) -> bool:
        return not user_sees_everything(request.user) and administers_any_organization(request.user)

    def _administered_branches(self, request):
        if user_sees_everything(request.user):
            return Branch.objects.all()
        organizations = Membership.objects.filter(user=request.user, role=MembershipRole.ORG_ADMIN).values(
            "organization_id"
        )
        return Branch.objects.filter(organization_id__in=organizations)


@admin.register(IntakeSource)
class IntakeSourceAdmin(OrgAdminScopedAdmin):
    form = IntakeSourceForm
    list_display = ["name", "branch", "lead_source", "key_prefix", "asks_consent", "created_at", "last_used_at",
                    "revoked_at"]
    list_filter = ["lead_source", "asks_consent"]
    list_select_related = ["branch"]
    search_fields = ["name", "key_prefix"]
    actions = ["revoke"]
    readonly_fields = ["branch", "lead_source", "key_prefix", "created_by", "created_at", "last_used_at",
                       "revoked_at", "revoked_by"]

    def get_queryset(self, request):
        return IntakeSource.objects.administered_by(request.user).select_related("branch")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(IntakeSourceForm.Meta.fields)
        return ["name", "allowed_origins", "asks_consent", "redirect_url", *self.readonly_fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "branch":
            kwargs["queryset"] = self._administered_branches(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        admin_self = self

        class RehearsedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if not self.errors:
                    rehearse_on_form(self, lambda: admin_self._save(request, self.instance, self, change=obj is not None))
                return cleaned

        return RehearsedForm

    def _save(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            return intake_source_update(
                source=obj, actor=request.user,
                **{name: data[name] for name in SOURCE_EDITABLE_FIELDS if name in data},
            ), None
        created = intake_source_create(
            actor=request.user, branch=data["branch"], name=data["name"], lead_source=data["lead_source"],
            allowed_origins=data.get("allowed_origins") or [], asks_consent=data.get("asks_consent", False),
            redirect_url=data.get("redirect_url") or "",
        )
        return created.source, created.key

    def save_model(self, request, obj, form, change):
        """Through the sources' services (the API's door); a new source's key is kept for the next page only."""
        saved, key = self._save(request, obj, form, change)
        adopt(obj, saved)
        request._intake_new_key = key

    def response_add(self, request, obj, post_url_continue=None):
        # The key is shown on this one answer, never stored in a message or the session.
        return TemplateResponse(request, "admin/intake/key_created.html", {
            **self.admin_site.each_context(request),
            "title": obj.name,
            "source": obj,
            "key": request._intake_new_key,
            "snippet": form_snippet(
                obj, action_url=request.build_absolute_uri(reverse("intake:intake")), key=request._intake_new_key
            ),
            "changelist_url": reverse("admin:intake_intakesource_changelist"),
            "opts": self.model._meta,
        })

    @admin.action(description=gettext_lazy("Revoke the selected sources' keys"))
    def revoke(self, request, queryset):
        self.run_service_action(
            request, queryset,
            lambda source: intake_source_revoke(source=source, actor=request.user),
            lambda count: ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count},
        )


class MetaPageForm(forms.ModelForm):
    access_token = forms.CharField(
        label=gettext_lazy("page access token"), required=False, widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Never shown again; leave empty to keep the current one."),
    )

    class Meta:
        model = MetaPage
        fields = ["source", "page_id", "name", "access_token"]


@admin.register(MetaPage)
class MetaPageAdmin(OrgAdminScopedAdmin):
    form = MetaPageForm
    list_display = ["page_id", "name", "source", "created_at", "backfilled_at"]
    list_select_related = ["source"]

    def get_queryset(self, request):
        sources = IntakeSource.objects.administered_by(request.user).values("pk")
        return MetaPage.objects.filter(source__in=sources).select_related("source")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs["queryset"] = IntakeSource.objects.administered_by(request.user).active()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        token = data.get("access_token") or (MetaPage.objects.get(pk=obj.pk).access_token if change else "")
        saved = meta_page_connect(
            actor=request.user, source=data["source"], page_id=data["page_id"], access_token=token,
            name=data.get("name", ""),
        )
        adopt(obj, saved)


@admin.register(MetaLead)
class MetaLeadAdmin(OrgAdminScopedAdmin):
    member_can_write = False
    list_display = ["leadgen_id", "page_id", "form_id", "status", "attempts", "received_via", "lead", "created_at"]
    list_filter = ["status", "received_via"]
    search_fields = ["leadgen_id", "form_id", "ad_id", "campaign_id"]
    readonly_fields = ["leadgen_id", "meta_page", "page_id", "form_id", "ad_id", "adgroup_id", "campaign_id",
                       "received_via", "status", "attempts", "error", "lead", "created_at", "fetched_at"]

    def get_queryset(self, request):
        sources = IntakeSource.objects.administered_by(request.user).values("pk")
        return MetaLead.objects.filter(meta_page__source__in=sources).select_related("lead")

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IntakeSubmission)
class IntakeSubmissionAdmin(OrgAdminScopedAdmin):
    """Enquiries as accepted, read-only: staff see what failed and why (`error`); the sweep retries pending ones."""

    member_can_write = False
    list_display = ["received_at", "source", "customer_name", "contact_number", "status", "created_lead", "lead",
                    "attempts", "error"]
    list_filter = ["status", "created_lead"]
    search_fields = ["customer_name", "contact_number", "idempotency_key"]
    readonly_fields = ["source", "idempotency_key", "customer_name", "contact_number", "passport_number", "cnic",
                       "area", "remarks", "messaging_consent", "utm_source", "utm_campaign", "client_address",
                       "received_at", "status", "attempts", "error", "lead", "created_lead", "processed_at"]
    date_hierarchy = "received_at"

    def get_queryset(self, request):
        sources = IntakeSource.objects.administered_by(request.user).values("pk")
        return IntakeSubmission.objects.filter(source__in=sources).select_related("source", "lead")

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
