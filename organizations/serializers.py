from django.utils import timezone
from rest_framework import serializers

from common.api.fields import BusinessDateField, ChoiceField, HourMinuteField, StrictBooleanField, StrictCharField
from organizations.business_time import WEEKDAY_NAMES, holiday_names
from organizations.models import MAX_FIRST_CONTACT_HOURS, Membership

MAX_WORKING_TIME_DAYS = 1000


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class MembershipSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True, allow_null=True, default=None)
    branch_code = serializers.CharField(source="branch.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Membership
        fields = ["organization", "organization_name", "branch", "branch_name", "branch_code", "role"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    is_staff = serializers.BooleanField()
    is_superuser = serializers.BooleanField()
    memberships = MembershipSerializer(many=True)


def me_data(user) -> dict:
    """What `GET /api/me/` answers for `user` (also embedded in the desk's page, desk/views.py)."""
    memberships = user.memberships.select_related("organization", "branch")
    return MeSerializer(
        {
            "id": user.id,
            "username": user.get_username(),
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "memberships": memberships,
        }
    ).data


class SessionSerializer(serializers.Serializer):
    """The browser session's state, with the CSRF token the SPA sends back as `X-CSRFToken`."""

    authenticated = serializers.BooleanField()
    username = serializers.CharField(allow_null=True)
    csrf_token = serializers.CharField()


# --- Working time (the first-contact SLA's calendar, docs/sla.md) ----------------------------------------


class WorkingTimeDaySerializer(serializers.Serializer):
    """A day the organization treats differently from its calendar."""

    date = BusinessDateField()
    closed = StrictBooleanField(
        default=True, help_text="true: closed that day (besides the public holidays); false: worked although the "
        "public holiday calendar or the weekday says it is a day off."
    )
    name = StrictCharField(max_length=100, required=False, allow_blank=True, default="")


class WorkingTimeInputSerializer(serializers.Serializer):
    """The organization's working time, replaced whole by `PUT`."""

    first_contact_hours = serializers.IntegerField(
        min_value=1, max_value=MAX_FIRST_CONTACT_HOURS,
        help_text="A new lead's first contact is due this many working hours after it came in.",
    )
    working_days = serializers.ListField(
        child=ChoiceField(choices=WEEKDAY_NAMES), min_length=1, max_length=7,
        help_text="The working weekdays, e.g. [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\"].",
    )
    opens_at = HourMinuteField(help_text="Opening time (HH:MM, business time zone).")
    closes_at = HourMinuteField(help_text="Closing time, after the opening (HH:MM).")
    holiday_country = StrictCharField(
        max_length=2, allow_blank=True,
        help_text="The country whose public holidays are days off (ISO 3166 code, e.g. PK); empty: none.",
    )
    days = WorkingTimeDaySerializer(
        many=True, max_length=MAX_WORKING_TIME_DAYS,
        help_text="The organization's own exceptions (replaces the ones it had).",
    )


class PublicHolidaySerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField()
    worked = serializers.BooleanField(help_text="The organization works that day (one of its `days`, closed false).")


class WorkingTimeOutputSerializer(WorkingTimeInputSerializer):
    """The organization's working time and the public holidays of its calendar this year and next."""

    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    time_zone = serializers.CharField(help_text="The business time zone (TIME_ZONE) the hours are in.")
    public_holidays = PublicHolidaySerializer(
        many=True,
        help_text="The calendar's public holidays this year and next. Islamic holidays are estimates: correct "
        "them with `days`.",
    )


def working_time_data(organization) -> dict:
    """What `GET /api/organizations/<id>/working-time/` answers (one query for the exceptions)."""
    today = timezone.localdate()
    days = list(organization.holiday_overrides.order_by("date"))
    worked = {day.date for day in days if not day.closed}
    public = []
    for year in (today.year, today.year + 1):
        for day, name in sorted(holiday_names(organization.holiday_country, year).items()):
            public.append({"date": day, "name": name, "worked": day in worked})
    return WorkingTimeOutputSerializer({
        "organization": organization.pk,
        "organization_name": organization.name,
        "time_zone": timezone.get_default_timezone_name(),
        "first_contact_hours": organization.first_contact_hours,
        "working_days": [WEEKDAY_NAMES[day] for day in sorted(organization.working_weekdays)],
        "opens_at": organization.opens_at,
        "closes_at": organization.closes_at,
        "holiday_country": organization.holiday_country,
        "days": [{"date": day.date, "closed": day.closed, "name": day.name} for day in days],
        "public_holidays": public,
    }).data


class InvitationAcceptSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64, help_text="The `uid` of the invitation link.")
    token = serializers.CharField(max_length=128, help_text="The `token` of the invitation link.")
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}, help_text="The new password."
    )
