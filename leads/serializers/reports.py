"""Query and answer of the summary report (the answer is built by `leads.report_queries.summary_report`)."""

from datetime import date, timedelta

from django.utils import timezone
from rest_framework import serializers

from common.api.fields import MAX_ID, BusinessDateField
from leads.models import LeadSource, LeadStatus
from leads.report_queries import DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS, Period

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


class SummaryQuerySerializer(serializers.Serializer):
    """`from` and `to` are local days (TIME_ZONE), both included; the default is the last 30 days."""

    branch_id = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this branch (one of yours)."
    )
    to = BusinessDateField(required=False, help_text="Last day of the period (default: today).")

    def validate(self, attrs):
        today = timezone.localdate()
        last_day = attrs.get("to") or today
        first_day = attrs.get("from")
        for name, day in (("from", first_day), ("to", last_day)):
            if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
                raise serializers.ValidationError({name: [f"Give a day from {EARLIEST_DAY} to {LATEST_DAY}."]})
        if first_day is None:
            first_day = max(last_day - timedelta(days=DEFAULT_PERIOD_DAYS - 1), EARLIEST_DAY)
        if first_day > last_day:
            raise serializers.ValidationError({"from": ["The period's first day is after its last day."]})
        if (last_day - first_day).days + 1 > MAX_PERIOD_DAYS:
            raise serializers.ValidationError({"from": [f"A period spans at most {MAX_PERIOD_DAYS} days."]})
        attrs["period"] = Period(first_day, last_day)
        return attrs


# `from` is a Python keyword: declare it after the class body.
SummaryQuerySerializer._declared_fields["from"] = BusinessDateField(
    required=False, help_text="First day of the period (default: 29 days before `to`)."
)


def _counts_serializer(name: str, values, help_text: str):
    fields = {value: serializers.IntegerField(min_value=0) for value in values}
    return type(name, (serializers.Serializer,), {**fields, "__doc__": help_text})


StatusCountsSerializer = _counts_serializer("StatusCounts", LeadStatus.values, "Leads of the period by current status.")
SourceCountsSerializer = _counts_serializer("SourceCounts", LeadSource.values, "Leads of the period by source.")
FirstContactSerializer = type(
    "FirstContactMedians",
    (serializers.Serializer,),
    {
        **{value: serializers.FloatField(allow_null=True, min_value=0) for value in LeadSource.values},
        "__doc__": "Per source: median business hours from creation to the first follow-up; null without any.",
    },
)


class FirstContactSlaSerializer(serializers.Serializer):
    """The first-contact SLA of the period's leads (created in it), as of now."""

    due = serializers.IntegerField(min_value=0, help_text="Leads of the period with a first-contact due time.")
    met = serializers.IntegerField(min_value=0, help_text="Of those, first contacted on or before it.")
    breached = serializers.IntegerField(
        min_value=0,
        help_text="Of those, first contacted after it, or not yet and it has passed while the lead was open "
        "(`list/?sla_breached=true`).",
    )
    met_share = serializers.FloatField(
        allow_null=True, min_value=0, max_value=1,
        help_text="met / (met + breached); null when neither. Leads still within their time, or closed before it "
        "without a contact, are in `due` only.",
    )


class WeekCountSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday of the week.")
    leads = serializers.IntegerField(min_value=0)


class SummaryNumbersSerializer(serializers.Serializer):
    leads = serializers.IntegerField(min_value=0, help_text="Leads created in the period.")
    by_status = StatusCountsSerializer()
    by_source = SourceCountsSerializer()
    new_per_week = WeekCountSerializer(many=True)
    converted = serializers.IntegerField(min_value=0)
    conversion_rate = serializers.FloatField(allow_null=True, help_text="converted / leads; null without leads.")
    followups_due = serializers.IntegerField(min_value=0, help_text="Follow-ups scheduled for a day of the period.")
    followups_done_on_time = serializers.IntegerField(min_value=0, help_text="Of those, followed up on or before the day.")
    followup_compliance = serializers.FloatField(allow_null=True, help_text="done on time / due; null when none due.")
    stale = serializers.IntegerField(min_value=0, help_text="Open leads of the period with no contact for 7+ days.")
    never_contacted = serializers.IntegerField(min_value=0, help_text="Leads of the period without any follow-up.")
    lost_by_reason = serializers.DictField(
        child=serializers.IntegerField(min_value=0), help_text="Lost leads of the period by catalogue code."
    )
    first_contact_median_business_hours = FirstContactSerializer()
    first_contact_sla = FirstContactSlaSerializer()


class BranchSummarySerializer(SummaryNumbersSerializer):
    branch = serializers.IntegerField()
    branch_name = serializers.CharField()


class SummaryOutputSerializer(serializers.Serializer):
    to = serializers.DateField()
    branches = BranchSummarySerializer(many=True)
    total = SummaryNumbersSerializer()


SummaryOutputSerializer._declared_fields = {"from": serializers.DateField(), **SummaryOutputSerializer._declared_fields}
