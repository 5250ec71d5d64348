"""`GET /api/leads/assignees/?branch=<id>`: who a lead of a branch may be assigned to."""

from drf_spectacular.utils import extend_schema

from common.api.schema import ACCESS_ERRORS, error_responses
from leads.selectors import branch_assignees, lead_list
from leads.serializers.assignees import AssigneeOutputSerializer, AssigneesInputSerializer
from organizations.scoped_views import BranchScopedAPIView


class AssigneeListView(BranchScopedAPIView):
    """GET /api/leads/assignees/?branch=<id>"""

    scoped_queryset = staticmethod(lead_list)

    @extend_schema(
        operation_id="leads_assignees",
        summary="The users a lead of a branch may be assigned to",
        description="Active branch users of the branch and org admins of its organization, by username, "
        "paginated. A branch outside your scope is a 400 on `branch`.",
        parameters=[AssigneesInputSerializer],
        responses={
            200: AssigneeOutputSerializer(many=True),
            **error_responses(400, *ACCESS_ERRORS, 404, e404="No such page."),
        },
        tags=["leads"],
    )
    def get(self, request):
        serializer = AssigneesInputSerializer(data=request.query_params, context={"request": request})
        serializer.is_valid(raise_exception=True)
        assignees = branch_assignees(branch=serializer.validated_data["branch"]).only("id", "username", "first_name", "last_name")
        page = self.paginate_queryset(assignees)
        return self.get_paginated_response(AssigneeOutputSerializer(page, many=True).data)
