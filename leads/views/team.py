"""The managers' endpoints (org admins, branch managers, staff): bulk assign, and per branch its assignment
rule, its team's queues and its members. Branch users get 403; a branch the caller does not manage is 404."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from common.api.schema import ACCESS_ERRORS, error_responses
from leads.selectors import branch_members, branch_team, lead_list
from leads.serializers.team import (
    AssignmentRuleSerializer,
    LeadAssignInputSerializer,
    LeadAssignOutputSerializer,
    ManagedBranchOutputSerializer,
    MemberCreateInputSerializer,
    MemberCreateOutputSerializer,
    MemberDeactivateOutputSerializer,
    MemberOutputSerializer,
    MemberUpdateInputSerializer,
    TeamMemberOutputSerializer,
)
from leads.services import assignment_rule_of, assignment_rule_set, leads_assign
from leads.services.members import branches_managed_by, member_add, member_deactivate, member_update
from organizations.permissions import IsBranchManager
from organizations.scoped_views import BranchScopedAPIView

TAGS = ["team"]
MANAGER_ERRORS = error_responses(*ACCESS_ERRORS, 404, e403="Not a branch manager or organization admin.",
                                 e404="No branch of yours with this id.")


class ManagerAPIView(BranchScopedAPIView):
    """Managers only (403 for everyone else); `branch_id` on the path is a branch the caller manages, else 404."""

    permission_classes = [IsBranchManager]
    scoped_queryset = staticmethod(lead_list)

    def managed_branch(self, branch_id: int):
        branch = branches_managed_by(self.request.user).filter(pk=branch_id).first()
        if branch is None:
            raise NotFound()
        return branch


class ManagedBranchListView(ManagerAPIView):
    """GET /api/leads/branches/"""

    @extend_schema(
        operation_id="leads_branches_managed",
        summary="The branches you manage",
        description="Every branch of your organizations for an org admin, your branches for a branch manager, "
        "every branch for staff; by organization and code, paginated.",
        responses={200: ManagedBranchOutputSerializer(many=True), **error_responses(*ACCESS_ERRORS, 404, e404="No such page.")},
        tags=TAGS,
    )
    def get(self, request):
        page = self.paginate_queryset(branches_managed_by(request.user).order_by("organization_id", "code", "id"))
        return self.get_paginated_response(ManagedBranchOutputSerializer(page, many=True).data)


class LeadAssignView(ManagerAPIView):
    """POST /api/leads/assign/"""

    serializer_class = LeadAssignInputSerializer

    @extend_schema(
        operation_id="leads_assign",
        summary="Assign leads to a member",
        description="All or nothing, in one transaction: every lead must be of a branch you manage (else a 400 "
        "on `leads`), and the assignee must be able to open each lead's branch (else a 400 on `assigned_to`). "
        "Each lead's history records the change; the assignee is emailed once the change is committed.",
        request=LeadAssignInputSerializer,
        examples=[OpenApiExample("Two leads to a branch user", request_only=True, value={"leads": [1, 2], "assigned_to": 3})],
        responses={200: LeadAssignOutputSerializer, **error_responses(400, *ACCESS_ERRORS)},
        tags=TAGS,
    )
    def post(self, request):
        serializer = LeadAssignInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changed = leads_assign(lead_ids=data["leads"], assigned_to=data["assigned_to"], actor=request.user)
        body = {"assigned_to": data["assigned_to"].pk, "leads": sorted(set(data["leads"])), "changed": len(changed)}
        return Response(LeadAssignOutputSerializer(body).data)


class AssignmentRuleView(ManagerAPIView):
    """GET/PUT /api/leads/branches/<branch_id>/assignment-rule/"""

    serializer_class = AssignmentRuleSerializer

    @extend_schema(
        operation_id="leads_branch_assignment_rule_retrieve",
        summary="A branch's assignment rule",
        description="`manual` for a branch that never set one.",
        responses={200: AssignmentRuleSerializer, **MANAGER_ERRORS},
        tags=TAGS,
    )
    def get(self, request, branch_id: int):
        return Response(AssignmentRuleSerializer(assignment_rule_of(branch=self.managed_branch(branch_id))).data)

    @extend_schema(
        operation_id="leads_branch_assignment_rule_update",
        summary="Set a branch's assignment rule",
        description="Applies to leads created from now on without an assignee, through every door (API, desk, "
        "import, booking, intake, inbound message). Members' availability and daily caps are set per member "
        "(`members/<user_id>/`).",
        request=AssignmentRuleSerializer,
        examples=[OpenApiExample("Round robin", request_only=True, value={"strategy": "round_robin"})],
        responses={200: AssignmentRuleSerializer, **error_responses(400), **MANAGER_ERRORS},
        tags=TAGS,
    )
    def put(self, request, branch_id: int):
        branch = self.managed_branch(branch_id)
        serializer = AssignmentRuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = assignment_rule_set(branch=branch, strategy=serializer.validated_data["strategy"], actor=request.user)
        return Response(AssignmentRuleSerializer(rule).data)


class TeamView(ManagerAPIView):
    """GET /api/leads/branches/<branch_id>/team/"""

    pagination_class = None  # a branch's team is a handful of people, answered whole

    @extend_schema(
        operation_id="leads_branch_team",
        summary="A branch's team and their queues",
        description="Each member (branch users and managers) with their open leads of the branch, and of those "
        "the ones due today, missed, past the first-contact SLA and assigned today; with availability and daily "
        "cap. Not paginated: a branch's team is small.",
        responses={200: TeamMemberOutputSerializer(many=True), **MANAGER_ERRORS},
        tags=TAGS,
    )
    def get(self, request, branch_id: int):
        return Response(TeamMemberOutputSerializer(branch_team(branch=self.managed_branch(branch_id)), many=True).data)


def _invitation_url(request, path: str | None) -> str | None:
    return request.build_absolute_uri(path) if path else None


class MemberListCreateView(ManagerAPIView):
    """GET/POST /api/leads/branches/<branch_id>/members/"""

    serializer_class = MemberCreateInputSerializer

    @extend_schema(
        operation_id="leads_branch_members_list",
        summary="A branch's members",
        description="Active branch users and managers of the branch, by username, paginated.",
        responses={200: MemberOutputSerializer(many=True), **MANAGER_ERRORS},
        tags=TAGS,
    )
    def get(self, request, branch_id: int):
        page = self.paginate_queryset(branch_members(branch=self.managed_branch(branch_id)))
        return self.get_paginated_response(MemberOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="leads_branch_members_create",
        summary="Add a member to a branch",
        description="A new user (never staff or superuser) with a membership of this branch: a branch user, or a "
        "branch manager when you are an org admin. Give a first `password` (the password rules apply) or set "
        "`invite` for a one-time link, answered once in `invitation_url`, that lets them choose a password in "
        "the desk (it expires after PASSWORD_RESET_TIMEOUT, three days by default).",
        request=MemberCreateInputSerializer,
        examples=[
            OpenApiExample(
                "A branch user with an invitation link",
                request_only=True,
                value={"username": "sana_a1", "first_name": "Sana", "last_name": "Riaz", "invite": True},
            )
        ],
        responses={201: MemberCreateOutputSerializer, **error_responses(400), **MANAGER_ERRORS},
        tags=TAGS,
    )
    def post(self, request, branch_id: int):
        branch = self.managed_branch(branch_id)
        serializer = MemberCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        added = member_add(branch=branch, actor=request.user, **serializer.validated_data)
        membership = added.membership
        membership.invitation_url = _invitation_url(request, added.invitation_path)
        return Response(MemberCreateOutputSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(ManagerAPIView):
    """PATCH /api/leads/branches/<branch_id>/members/<user_id>/"""

    serializer_class = MemberUpdateInputSerializer

    @extend_schema(
        operation_id="leads_branch_members_partial_update",
        summary="Mark a member on leave or available, and set their daily cap",
        description="`available: false` while on leave (the rule skips them; their open leads stay theirs); "
        "`daily_cap` a positive number, or null for none.",
        request=MemberUpdateInputSerializer,
        examples=[OpenApiExample("On leave", request_only=True, value={"available": False})],
        responses={200: MemberOutputSerializer, **error_responses(400), **MANAGER_ERRORS},
        tags=TAGS,
    )
    def patch(self, request, branch_id: int, user_id: int):
        branch = self.managed_branch(branch_id)
        serializer = MemberUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = member_update(branch=branch, user_id=user_id, actor=request.user, **serializer.validated_data)
        return Response(MemberOutputSerializer(membership).data)


class MemberDeactivateView(ManagerAPIView):
    """POST /api/leads/branches/<branch_id>/members/<user_id>/deactivate/"""

    @extend_schema(
        operation_id="leads_branch_members_deactivate",
        summary="Deactivate a member of a branch",
        description="Ends their membership of the branch; their open leads there go back through the branch's "
        "rule (or to the unassigned queue). When it was their last membership the account is deactivated and "
        "signed out everywhere. A branch manager deactivates branch users only (403 otherwise); nobody "
        "deactivates themselves (400).",
        request=None,
        responses={200: MemberDeactivateOutputSerializer, **error_responses(400), **MANAGER_ERRORS},
        tags=TAGS,
    )
    def post(self, request, branch_id: int, user_id: int):
        result = member_deactivate(branch=self.managed_branch(branch_id), user_id=user_id, actor=request.user)
        return Response(MemberDeactivateOutputSerializer(result).data)

