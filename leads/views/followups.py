"""Follow-up endpoints: record one, a lead's whole follow-up history, and the missed ones."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from common.api.schema import ACCESS_ERRORS, error_responses
from leads.filters import DueLeadFilter
from leads.loan_book import leads_missed_in_scope
from leads.selectors import lead_followups, lead_list
from leads.serializers import FollowUpCreateInputSerializer, FollowUpOutputSerializer, LeadListOutputSerializer
from leads.services import followup_record
from organizations.scoped_views import BranchScopedAPIView

TAGS = ["follow-ups"]


class FollowUpCreateView(BranchScopedAPIView):
    """POST /api/leads/followup/"""

    serializer_class = FollowUpCreateInputSerializer  # the browsable API's form
    scoped_queryset = staticmethod(lead_list)

    @extend_schema(
        operation_id="leads_followup_create",
        summary="Record a follow-up with a lead",
        description="Every attempt is kept. Sets the lead's `next_followup_date` to the one given (or clears "
        "it), whatever the `outcome`; only an `answered` attempt (the default) or a visit also sets its "
        "`last_contacted_at` and moves a `new` lead to `contacted`. A lead outside your branches is a 400 on `lead`.",
        request=FollowUpCreateInputSerializer,
        responses={201: FollowUpOutputSerializer, **error_responses(400, *ACCESS_ERRORS)},
        tags=TAGS,
    )
    def post(self, request):
        serializer = FollowUpCreateInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        followup = followup_record(actor=request.user, **serializer.validated_data)
        return Response(FollowUpOutputSerializer(followup).data, status=status.HTTP_201_CREATED)


class LeadFollowUpListView(BranchScopedAPIView):
    """GET /api/leads/detail/<id>/followups/"""

    scoped_queryset = staticmethod(lead_list)

    @extend_schema(
        operation_id="leads_followups_list",
        summary="A lead's follow-up history",
        description="Newest first, paginated.",
        responses={
            200: FollowUpOutputSerializer(many=True),
            **error_responses(400, *ACCESS_ERRORS, 404, e404="No such lead in your branches, or no such page."),
        },
        tags=TAGS,
    )
    def get(self, request, pk: int):
        lead = self.get_scoped_object(pk)
        page = self.paginate_queryset(lead_followups(lead=lead))
        return self.get_paginated_response(FollowUpOutputSerializer(page, many=True).data)


class FollowUpMissedView(BranchScopedAPIView):
    """GET /api/leads/followup/missed/"""

    scoped_queryset = staticmethod(leads_missed_in_scope)
    filter_backends = [DjangoFilterBackend]
    filterset_class = DueLeadFilter

    @extend_schema(
        operation_id="leads_followup_missed",
        summary="Open leads whose follow-up day has passed",
        description="Open leads (not converted, not lost) whose `next_followup_date` is before today (the "
        "organization's local day) and was not moved since: the follow-ups missed. Oldest first, in the rows "
        "of `followup/today/`.",
        responses={
            200: LeadListOutputSerializer(many=True),
            **error_responses(400, *ACCESS_ERRORS, 404, e404="No such page."),
        },
        tags=TAGS,
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(LeadListOutputSerializer(page, many=True).data)
