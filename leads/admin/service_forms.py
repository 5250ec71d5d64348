"""What every service-backed admin page shares: the form rehearses the service, `save_model` calls it."""

from django import forms

from organizations.admin_site import adopt, rehearse_on_form


class ServiceForm(forms.ModelForm):
    """A model form whose save is a service call (`service_call`), rehearsed in `clean()` to show refusals."""

    actor = None  # the signed-in user, set per request by `ServiceAdminMixin.get_form`

    def service_call(self):
        raise NotImplementedError

    def changes(self, editable) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in editable}

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            rehearse_on_form(self, self.service_call)
        return cleaned


class ServiceAdminMixin:
    """`save_model` is the form's service call; the saved row becomes the admin's object."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        adopt(obj, form.service_call())
