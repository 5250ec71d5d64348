"""Messaging in the admin (staff): channels with a write-only secret, templates, and the messages (read only)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from messaging.models import Channel, ChannelKind, Message, MessageTemplate
from messaging.services.channels import channel_connect_twilio, channel_connect_whatsapp, channel_update
from messaging.services.templates import message_template_validate
from organizations.admin_site import SERVICE_ERRORS, describe_service_error


class ChannelForm(forms.ModelForm):
    """The secret is a password input that never renders its value; left empty it keeps the stored one."""

    new_secret = forms.CharField(
        label=_("secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("The WhatsApp access token or the Twilio auth token. Never shown; leave empty to keep the stored one."),
    )

    class Meta:
        model = Channel
        fields = [
            "organization", "kind", "display_phone_number", "phone_number_id", "business_account_id",
            "account_sid", "from_number", "messaging_service_sid", "intake_branch", "daily_limit", "active",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not cleaned.get("new_secret"):
            self.add_error("new_secret", _("This field is required."))
        return cleaned


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    list_display = ["id", "organization", "kind", "display_phone_number", "phone_number_id", "from_number",
                    "intake_branch", "daily_limit", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["organization", "intake_branch"]

    def get_readonly_fields(self, request, obj=None):
        # The number a webhook finds the organization by stays: connect anew for another one.
        if obj is not None:
            return ["organization", "kind", "phone_number_id", "account_sid", "from_number", "messaging_service_sid"]
        return []

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The service's refusal (a number another organization holds, say) is a message, never a server error."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SERVICE_ERRORS as exc:
            self.message_user(request, _("Nothing was saved: %(reason)s") % {"reason": describe_service_error(exc)},
                              messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        secret = data.get("new_secret") or None
        if change:
            saved = channel_update(
                channel=obj, actor=request.user, secret=secret, daily_limit=data["daily_limit"],
                intake_branch=data.get("intake_branch"), active=data["active"],
            )
        elif data["kind"] == ChannelKind.WHATSAPP:
            saved = channel_connect_whatsapp(
                organization=data["organization"], phone_number_id=data["phone_number_id"], access_token=secret,
                business_account_id=data["business_account_id"], display_phone_number=data["display_phone_number"],
                intake_branch=data.get("intake_branch"), daily_limit=data["daily_limit"], actor=request.user,
            )
        else:
            saved = channel_connect_twilio(
                organization=data["organization"], account_sid=data["account_sid"], auth_token=secret,
                from_number=data["from_number"], messaging_service_sid=data["messaging_service_sid"],
                intake_branch=data.get("intake_branch"), daily_limit=data["daily_limit"], actor=request.user,
            )
        obj.pk = saved.pk


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["organization", "code", "channel", "language", "provider_name", "provider_language", "updated_at"]
    list_filter = ["code", "channel", "language"]
    list_select_related = ["organization"]
    readonly_fields = ["organization", "code", "channel", "language"]
    fields = ["organization", "code", "channel", "language", "body", "provider_name", "provider_language"]

    def has_add_permission(self, request):  # seeded per organization; edited, not added
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class TemplateForm(form):
            def clean(self):
                cleaned = super().clean()
                template = self.instance
                for name in ("body", "provider_name", "provider_language"):
                    if name in cleaned:
                        setattr(template, name, cleaned[name])
                try:
                    message_template_validate(template=template)
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        self.add_error(field if field in self.fields else None, messages)
                return cleaned

        return TemplateForm


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "lead", "direction", "channel", "template", "status", "created_at", "sent_at"]
    list_filter = ["direction", "channel", "status", "template"]
    list_select_related = ["lead"]
    raw_id_fields = ["lead"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
