from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from organizations.admin_site import BranchScopedAdmin
from organizations.business_time import supported_countries
from organizations.models import Branch, Membership, Organization, OrganizationHoliday, mask_of, weekdays_of

WEEKDAY_CHOICES = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
    (5, _("Saturday")), (6, _("Sunday")),
]


class OrganizationForm(forms.ModelForm):
    """The working days as seven boxes (stored as a bit mask), the holiday calendar as a list of countries."""

    working_days = forms.TypedMultipleChoiceField(
        label=_("working days"), choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple,
    )
    holiday_country = forms.ChoiceField(
        label=_("public holidays of"), required=False,
        choices=[("", "—"), *((code, code) for code in sorted(supported_countries()))],
        help_text=Organization._meta.get_field("holiday_country").help_text,
    )

    class Meta:
        model = Organization
        fields = ["name", "currency", "first_contact_hours", "working_days", "opens_at", "closes_at", "holiday_country"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["working_days"] = sorted(weekdays_of(self.instance.working_days))

    def clean_working_days(self):
        return mask_of(self.cleaned_data["working_days"])


class OrganizationHolidayInline(admin.TabularInline):
    """Days the organization closes besides the public holidays, or works although they are holidays."""

    model = OrganizationHoliday
    extra = 1
    fields = ["date", "name", "closed"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    list_display = ["name", "first_contact_hours", "holiday_country", "created_at"]
    search_fields = ["name"]
    inlines = [OrganizationHolidayInline]
    fieldsets = [
        (None, {"fields": ["name", "currency"]}),
        (_("First-contact SLA and working time"), {
            "fields": ["first_contact_hours", "working_days", "opens_at", "closes_at", "holiday_country"],
            "description": _("Islamic holidays in the public calendar are estimates: add the day actually observed "
                             "below (closed), and the estimated day as worked, when they differ."),
        }),
    ]


@admin.register(Branch)
class BranchAdmin(BranchScopedAdmin):
    list_display = ["name", "code", "organization", "city", "area"]
    list_filter = ["organization"]
    search_fields = ["name", "code", "city", "area"]
    member_can_write = False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "branch", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "organization__name", "branch__name", "branch__code"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "organization", "branch"]
