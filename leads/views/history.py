"""GET /api/leads/detail/<id>/history/: who changed a lead, its follow-ups and commitments, when, and what."""

from drf_spectacular.utils import extend_schema

from leads.audit import history_changes, lead_history_entries
from common.api.schema import ACCESS_ERRORS, error_responses
from leads.selectors import lead_list
from leads.serializers.history import HistoryEntryOutputSerializer
from organizations.scoped_views import BranchScopedAPIView


class LeadHistoryView(BranchScopedAPIView):
    """The lead's audit trail, newest first; a lead outside the caller's branches is a 404 as on detail."""

    scoped_queryset = staticmethod(lead_list)

    @extend_schema(
        operation_id="leads_history",
        summary="A lead's audit trail",
        description="Every recorded change to the lead, its follow-ups and its loan commitments, newest "
        "first: who (null for system jobs), when, and each changed field's old and new value.",
        responses={
            200: HistoryEntryOutputSerializer(many=True),
            **error_responses(*ACCESS_ERRORS, 404, e404="No such lead in your branches, or no such page."),
        },
        tags=["leads"],
    )
    def get(self, request, pk: int):
        lead = self.get_scoped_object(pk)
        page = self.paginate_queryset(lead_history_entries(lead=lead))
        return self.get_paginated_response(HistoryEntryOutputSerializer(history_changes(page), many=True).data)
