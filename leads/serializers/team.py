"""Serializers of the managers' endpoints: bulk assign, a branch's assignment rule, its team and members."""

from rest_framework import serializers

from common.api.fields import MAX_ID
from leads.models import AssignmentStrategy
from leads.serializers.common import AssignableUserField
from leads.services.assignment import BULK_ASSIGN_LIMIT
from organizations.models import BRANCH_ROLES, MembershipRole

BRANCH_ROLE_CHOICES = [(role.value, role.label) for role in BRANCH_ROLES]


class LeadAssignInputSerializer(serializers.Serializer):
    leads = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=BULK_ASSIGN_LIMIT,
        help_text=f"Ids of leads of branches you manage (at most {BULK_ASSIGN_LIMIT}).",
    )
    assigned_to = AssignableUserField(help_text="The user who gets the leads: one who can open each lead's branch.")


class LeadAssignOutputSerializer(serializers.Serializer):
    assigned_to = serializers.IntegerField()
    leads = serializers.ListField(child=serializers.IntegerField(), help_text="The leads named, all now assigned.")
    changed = serializers.IntegerField(help_text="How many of them had another assignee (or none) before.")


class AssignmentRuleSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="branch_id", read_only=True)
    strategy = serializers.ChoiceField(
        choices=AssignmentStrategy.choices,
        help_text="`manual`: new leads wait in the unassigned queue; `round_robin`: each available member in "
        "turn; `least_open`: the available member with the fewest open leads. Members on leave or at their "
        "daily cap are skipped; with nobody left the lead stays unassigned.",
    )
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_by = serializers.IntegerField(source="updated_by_id", read_only=True, allow_null=True)


class MemberOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user_id", help_text="The member's user id.")
    username = serializers.CharField(source="user.username")
    full_name = serializers.CharField(source="user.get_full_name")
    email = serializers.CharField(source="user.email")
    role = serializers.ChoiceField(choices=BRANCH_ROLE_CHOICES)
    available = serializers.BooleanField(help_text="False while on leave: the rule gives them no new leads.")
    daily_cap = serializers.IntegerField(
        allow_null=True, help_text="The most leads the rule gives them per business day; null: no cap."
    )


class TeamMemberOutputSerializer(MemberOutputSerializer):
    open_leads = serializers.IntegerField(help_text="Open leads of the branch assigned to them.")
    due_today = serializers.IntegerField(help_text="Of those, next follow-up today.")
    missed = serializers.IntegerField(help_text="Of those, next follow-up day passed.")
    sla_breached = serializers.IntegerField(help_text="Of those, first contact later than the SLA (or still none past it).")
    assigned_today = serializers.IntegerField(help_text="Of those, assigned to them today.")


class MemberCreateInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(
        choices=BRANCH_ROLE_CHOICES,
        default=MembershipRole.BRANCH_USER,
        help_text="`branch_manager` only when you are an org admin.",
    )
    password = serializers.CharField(
        max_length=128, required=False, allow_blank=True, trim_whitespace=False, style={"input_type": "password"},
        help_text="A first password; or leave it out and set `invite`.",
    )
    invite = serializers.BooleanField(
        default=False, help_text="Answer a one-time link that lets the member choose their password in the desk."
    )


class MemberCreateOutputSerializer(MemberOutputSerializer):
    invitation_url = serializers.CharField(
        allow_null=True,
        help_text="The one-time link (shown only in this answer) when `invite` was set; null otherwise.",
    )


class MemberUpdateInputSerializer(serializers.Serializer):
    available = serializers.BooleanField(required=False, help_text="False: on leave.")
    daily_cap = serializers.IntegerField(min_value=1, max_value=10_000, allow_null=True, required=False)


class MemberDeactivateOutputSerializer(serializers.Serializer):
    reassigned = serializers.IntegerField(help_text="Their open leads of the branch the rule gave to others.")
    unassigned = serializers.IntegerField(help_text="Their open leads left in the unassigned queue.")
    account_deactivated = serializers.BooleanField(
        help_text="True when this was their last membership: the account is deactivated and signed out."
    )


class ManagedBranchOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
