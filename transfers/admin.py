"""Imports in the admin: upload (a dry run by default), read the preview, confirm or revert."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import OutOfScope, ServiceUnavailable, StateConflict
from organizations.admin_site import BranchScopedAdmin
from transfers.models import LeadExport, LeadImport
from transfers.services import lead_import_check_file, lead_import_confirm, lead_import_revert, lead_import_start

REPORT_ROWS_SHOWN = 200


class LeadImportUploadForm(forms.ModelForm):
    file = forms.FileField(
        label=gettext_lazy("file"),
        help_text=gettext_lazy("CSV or XLSX; the first row names the columns (lead fields, plus followup_remarks)."),
    )

    class Meta:
        model = LeadImport
        fields = ["branch", "mode", "dry_run"]
        help_texts = {
            "dry_run": gettext_lazy("Preview: report what would happen and write nothing. Confirm it afterwards."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dry_run"].initial = True

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and cleaned.get("mode"):
            content = upload.read()
            try:
                lead_import_check_file(file_name=upload.name, content=content, mode=cleaned["mode"])
            except ValidationError as exc:
                self.add_error("file", exc.message_dict.get("file", exc.messages))
            cleaned["content"] = content
        return cleaned


@admin.register(LeadImport)
class LeadImportAdmin(BranchScopedAdmin):
    list_display = ["id", "file_name", "branch", "mode", "dry_run", "status", "processed", "total", "created",
                    "updated", "skipped", "failed", "created_at", "reverted_at"]
    list_filter = ["status", "mode", "dry_run"]
    list_select_related = ["branch"]
    actions = ["confirm_preview", "revert"]
    readonly_fields = ["file_name", "file_format", "branch", "mode", "dry_run", "status", "total", "processed",
                       "created", "updated", "skipped", "failed", "failure", "created_by", "created_at",
                       "started_at", "finished_at", "reverted_at", "reverted_by", "report"]
    exclude = ["content"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = LeadImportUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "branch", "mode", "dry_run"]
        return self.readonly_fields

    def add_view(self, request, form_url="", extra_context=None):
        # The run is handed to the broker when the admin's transaction commits, after save_model: a broker
        # that does not answer fails the import there (ServiceUnavailable) and is said on the list page.
        try:
            return super().add_view(request, form_url, extra_context)
        except ServiceUnavailable as exc:
            self.message_user(request, str(exc.detail), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:transfers_leadimport_changelist"))

    def save_model(self, request, obj, form, change):
        """Uploads go through the import service (the API's door); nothing else is editable."""
        if change:
            return
        created = lead_import_start(
            actor=request.user,
            branch=form.cleaned_data["branch"],
            mode=form.cleaned_data["mode"],
            dry_run=form.cleaned_data["dry_run"],
            file_name=form.cleaned_data["file"].name,
            content=form.cleaned_data["content"],
        )
        obj.pk = obj.id = created.pk

    @admin.display(description=gettext_lazy("Report"))
    def report(self, obj):
        errors = list(obj.errors.order_by("row", "id")[:REPORT_ROWS_SHOWN])
        hints = list(obj.row_results.exclude(known_at_branches=[], possible_duplicates=[])[:REPORT_ROWS_SHOWN])
        if not errors and not hints:
            return _("No errors.")
        parts = []
        if errors:
            parts.append(format_html(
                "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>", _("Row"), _("Field"), _("Message"),
                format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                                 ((e.row, e.field, e.message) for e in errors)),
            ))
        if hints:
            parts.append(format_html(
                "<p>{}</p><ul>{}</ul>", _("Possible duplicates:"),
                format_html_join("", "<li>{} {}</li>", (
                    (
                        _("Row %(row)s: %(leads)s") % {
                            "row": h.row,
                            "leads": ", ".join(f"#{d['id']} {d['customer_name']}" for d in h.possible_duplicates),
                        },
                        _("(also known at %(branches)s)") % {"branches": ", ".join(h.known_at_branches)}
                        if h.known_at_branches else "",
                    )
                    for h in hints
                )),
            ))
        return format_html("{}", format_html_join("", "{}", ((part,) for part in parts)))

    @admin.action(description=gettext_lazy("Run the selected previews for real"))
    def confirm_preview(self, request, queryset):
        for lead_import in queryset:
            try:
                started = lead_import_confirm(dry_run=LeadImport.objects.get(pk=lead_import.pk), actor=request.user)
            except (StateConflict, ServiceUnavailable) as exc:
                self.message_user(request, f"{lead_import}: {exc.detail}", messages.WARNING)
                continue
            self.message_user(request, _("Import #%(import)s started from preview #%(preview)s.") % {
                "import": started.pk, "preview": lead_import.pk,
            })

    @admin.action(description=gettext_lazy("Revert the selected imports"))
    def revert(self, request, queryset):
        for lead_import in queryset:
            try:
                lead_import_revert(lead_import=lead_import, actor=request.user)
            except (StateConflict, OutOfScope) as exc:
                self.message_user(request, f"{lead_import}: {exc.detail}", messages.WARNING)
                continue
            self.message_user(request, _("Import #%(import)s reverted.") % {"import": lead_import.pk})


@admin.register(LeadExport)
class LeadExportAdmin(admin.ModelAdmin):
    """Staff-only audit of exports: who, which filters, how many rows."""

    list_display = ["id", "user", "file_format", "row_count", "masked", "created_at", "finished_at"]
    list_filter = ["file_format", "masked"]
    readonly_fields = ["user", "file_format", "filters", "row_count", "masked", "created_at", "finished_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
