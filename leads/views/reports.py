"""Report endpoints: the lost-reason catalogue (and the branch summary)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from common.api.schema import ACCESS_ERRORS, error_responses
from leads.selectors import lost_reasons_visible
from leads.serializers import LostReasonOutputSerializer
from leads.views.base import BranchScopedAPIView

TAGS = ["reports"]


class LostReasonListView(BranchScopedAPIView):
    """GET /api/leads/lost-reasons/"""

    scoped_queryset = staticmethod(lost_reasons_visible)
    pagination_class = None

    @extend_schema(
        operation_id="leads_lost_reasons",
        summary="The lost-reason catalogues of your organizations",
        description="Seeded with price, dates, visa, other_agent, no_response and other; org admins add "
        "their own in the admin. `code` is what `lost/<id>/` takes as `lost_reason_code`. A plain list.",
        responses={200: LostReasonOutputSerializer(many=True), **error_responses(*ACCESS_ERRORS)},
        tags=TAGS,
    )
    def get(self, request):
        return Response(LostReasonOutputSerializer(self.get_queryset(), many=True).data)
