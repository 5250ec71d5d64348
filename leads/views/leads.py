"""Lead endpoints: create, list, detail, update, search, convert, lost, today's follow-ups."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response

from leads.duplicates import with_duplicate_hints
from leads.filters import DueLeadFilter, LeadFilter
from common.api.throttling import SearchRateMixin
from common.api.schema import ACCESS_ERRORS, error_responses
from common.idempotency import IDEMPOTENCY_ERRORS, idempotency_parameter, idempotent_create
from leads.loan_book import (
    lead_for_detail,
    leads_due_today_in_scope,
    leads_with_money_and_record_in_scope,
    leads_with_money_in_scope,
)
from leads.selectors import lead_list, lead_search, lead_with_recent_items
from leads.serializers import (
    LeadConvertInputSerializer,
    LeadCreateInputSerializer,
    LeadCreateOutputSerializer,
    LeadDetailOutputSerializer,
    LeadListOutputSerializer,
    LeadLostInputSerializer,
    LeadSearchInputSerializer,
    LeadUpdateInputSerializer,
)
from leads.services import lead_convert, lead_create, lead_mark_lost, lead_update
from leads.views.responses import write_and_show
from organizations.scoped_views import BranchScopedAPIView

TAGS = ["leads"]


class LeadCreateView(BranchScopedAPIView):
    """POST /api/leads/create/"""

    serializer_class = LeadCreateInputSerializer  # the browsable API's form
    scoped_queryset = staticmethod(lead_list)

    @extend_schema(
        operation_id="leads_create",
        summary="Create a lead",
        description="The organization follows the branch. Identity fields are normalised; a passport "
        "already used in the organization is a 400 on `passport_number`. A contact number or CNIC "
        "already on other leads of the organization is allowed: `possible_duplicates` lists those "
        "you can see, `known_at_branches` names the other branches holding one you cannot.",
        request=LeadCreateInputSerializer,
        examples=[
            OpenApiExample(
                "A walk-in",
                request_only=True,
                value={"customer_name": "Sana Riaz", "contact_number": "+923004445566", "branch": 1, "area": "Gulberg"},
            )
        ],
        parameters=[idempotency_parameter("5f1d2c3b-4a59-4e6f-8d7c-6b5a4f3e2d1c")],
        responses={201: LeadCreateOutputSerializer, **error_responses(400, *ACCESS_ERRORS), **IDEMPOTENCY_ERRORS},
        tags=TAGS,
    )
    def post(self, request):
        def write():
            serializer = LeadCreateInputSerializer(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            # The re-read happens in the write's transaction: it sees the lead as written, whatever commits meanwhile.
            lead = lead_create(actor=request.user, **serializer.validated_data)
            # One more query: other leads of the organization with this contact number or CNIC, as the caller may know them.
            lead = with_duplicate_hints(user=request.user, lead=lead_for_detail(user=request.user, pk=lead.pk))
            return LeadCreateOutputSerializer(lead).data

        return idempotent_create(
            request, operation="leads_create", write=write,
            respond=lambda data: Response(data, status=status.HTTP_201_CREATED),
        )


class LeadListView(BranchScopedAPIView):
    """GET /api/leads/list/"""

    scoped_queryset = staticmethod(leads_with_money_in_scope)
    filter_backends = [DjangoFilterBackend]
    filterset_class = LeadFilter

    @extend_schema(
        operation_id="leads_list",
        summary="List leads in your branches",
        description="Newest first unless `ordering` says otherwise; `page_size` at most 100.",
        responses={
            200: LeadListOutputSerializer(many=True),
            **error_responses(400, *ACCESS_ERRORS, 404, e404="No such page."),
        },
        tags=TAGS,
    )
    def get(self, request):
        leads = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(leads)
        return self.get_paginated_response(LeadListOutputSerializer(page, many=True).data)


class LeadDetailView(BranchScopedAPIView):
    """GET /api/leads/detail/<id>/"""

    scoped_queryset = staticmethod(leads_with_money_and_record_in_scope)

    @extend_schema(
        operation_id="leads_retrieve",
        summary="A lead with its recent follow-ups and loan commitments",
        description="`recent_followups` and `recent_loan_commitments` hold the latest 10 of each; "
        "the full histories are `detail/<id>/followups/` and `detail/<id>/loan-commitments/`.",
        responses={200: LeadDetailOutputSerializer, **error_responses(*ACCESS_ERRORS, 404)},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        return Response(LeadDetailOutputSerializer(lead_with_recent_items(self.get_scoped_object(pk))).data)


class LeadUpdateView(BranchScopedAPIView):
    """PUT/PATCH /api/leads/update/<id>/"""

    serializer_class = LeadUpdateInputSerializer  # the browsable API's form
    scoped_queryset = staticmethod(lead_list)
    update_errors = error_responses(
        400,
        *ACCESS_ERRORS,
        404,
        409,
        e409="The lead is converted or lost; its status cannot change.",
    )

    @extend_schema(
        operation_id="leads_update",
        summary="Update a lead",
        description="`customer_name`, `contact_number` and `branch` are required; omitted optional "
        "fields keep their value. Status moves among new/contacted/interested only; use convert and "
        "lost for the final statuses. Moving a lead to a branch outside your scope is a 400.",
        request=LeadUpdateInputSerializer,
        examples=[
            OpenApiExample(
                "Name, number and branch, with a remark",
                request_only=True,
                value={
                    "customer_name": "Nadia Hussain",
                    "contact_number": "+923350000006",
                    "branch": 1,
                    "area": "Gulberg",
                    "remarks": "Wants December dates; call back.",
                },
            )
        ],
        responses={200: LeadDetailOutputSerializer, **update_errors},
        tags=TAGS,
    )
    def put(self, request, pk: int):
        return self._update(request, pk, partial=False)

    @extend_schema(
        operation_id="leads_partial_update",
        summary="Update some fields of a lead",
        request=LeadUpdateInputSerializer(partial=True),
        examples=[
            OpenApiExample(
                "A new remark",
                request_only=True,
                value={"remarks": "Asked for the visa fee; call back.", "next_followup_date": "2030-01-15"},
            )
        ],
        responses={200: LeadDetailOutputSerializer, **update_errors},
        tags=TAGS,
    )
    def patch(self, request, pk: int):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk: int, *, partial: bool) -> Response:
        lead = self.get_scoped_object(pk)
        serializer = LeadUpdateInputSerializer(data=request.data, partial=partial, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return write_and_show(
            request, lambda: lead_update(lead=lead, actor=request.user, **serializer.validated_data)
        )


class LeadSearchView(SearchRateMixin, BranchScopedAPIView):
    """GET /api/leads/search/?passport=…&contact=…"""

    scoped_queryset = staticmethod(lead_list)

    @extend_schema(
        operation_id="leads_search",
        summary="Find leads by passport, contact number or CNIC",
        description="Exact match on the normalised value (any common spelling is accepted) within "
        "your branches. When several parameters are given, a lead must match all of them. At least "
        "one is required. Paginated like every list (`page`, `page_size` up to 100), newest first.",
        parameters=[LeadSearchInputSerializer],
        responses={
            200: LeadListOutputSerializer(many=True),
            **error_responses(400, *ACCESS_ERRORS, 404, e404="No such page."),
        },
        tags=TAGS,
    )
    def get(self, request):
        serializer = LeadSearchInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        leads = lead_search(
            user=request.user,
            passport_number=params.get("passport", ""),
            contact_number=params.get("contact", ""),
            cnic=params.get("cnic", ""),
            rows=leads_with_money_in_scope(user=request.user),
        )
        page = self.paginate_queryset(leads)
        return self.get_paginated_response(LeadListOutputSerializer(page, many=True).data)


class LeadConvertView(BranchScopedAPIView):
    """PUT /api/leads/convert/<id>/"""

    serializer_class = LeadConvertInputSerializer  # the browsable API's form
    scoped_queryset = staticmethod(lead_list)

    @extend_schema(
        operation_id="leads_convert",
        summary="Mark a lead converted",
        description="Optionally with the `booking` it became (a booking of your branches, in the "
        "lead's organization). Converting a converted lead again changes nothing (200).",
        request=LeadConvertInputSerializer,
        responses={
            200: LeadDetailOutputSerializer,
            **error_responses(400, *ACCESS_ERRORS, 404, 409, e409="The lead is lost; it cannot be converted."),
        },
        tags=TAGS,
    )
    def put(self, request, pk: int):
        lead = self.get_scoped_object(pk)
        serializer = LeadConvertInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        booking = serializer.validated_data.get("booking")
        return write_and_show(request, lambda: lead_convert(lead=lead, actor=request.user, booking=booking))


class LeadLostView(BranchScopedAPIView):
    """PUT /api/leads/lost/<id>/"""

    serializer_class = LeadLostInputSerializer  # the browsable API's form
    scoped_queryset = staticmethod(lead_list)

    @extend_schema(
        operation_id="leads_lost",
        summary="Mark a lead lost",
        description="`lost_reason_code` names a reason of the lead's organization's catalogue "
        "(`GET lost-reasons/`), `other` when omitted; `lost_reason` (free text) is required when the "
        "code is `other`. An unknown code is a 400 on `lost_reason_code`. Marking a lost lead lost again "
        "changes nothing (200).",
        request=LeadLostInputSerializer,
        responses={
            200: LeadDetailOutputSerializer,
            **error_responses(400, *ACCESS_ERRORS, 404, 409, e409="The lead is converted; it cannot be lost."),
        },
        tags=TAGS,
    )
    def put(self, request, pk: int):
        lead = self.get_scoped_object(pk)
        serializer = LeadLostInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return write_and_show(
            request, lambda: lead_mark_lost(lead=lead, actor=request.user, **serializer.validated_data)
        )


class FollowUpTodayView(BranchScopedAPIView):
    """GET /api/leads/followup/today/"""

    scoped_queryset = staticmethod(leads_due_today_in_scope)
    filter_backends = [DjangoFilterBackend]
    filterset_class = DueLeadFilter

    @extend_schema(
        operation_id="leads_followup_today",
        summary="Open leads whose follow-up is due today",
        description="Today is the organization's local day (TIME_ZONE). Converted and lost leads "
        "are left out. Never-contacted leads come first.",
        responses={
            200: LeadListOutputSerializer(many=True),
            **error_responses(400, *ACCESS_ERRORS, 404, e404="No such page."),
        },
        tags=TAGS,
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(LeadListOutputSerializer(page, many=True).data)


__all__ = [
    "FollowUpTodayView",
    "LeadConvertView",
    "LeadCreateView",
    "LeadDetailView",
    "LeadListView",
    "LeadLostView",
    "LeadSearchView",
    "LeadUpdateView",
]
