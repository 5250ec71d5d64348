"""`GET /api/leads/duplicates/`: what a create would answer about duplicates, asked while the form is typed."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from common.api.schema import ACCESS_ERRORS, error_responses
from common.api.throttling import SearchRateMixin
from leads.duplicates import duplicate_hints_before_create
from leads.selectors import lead_list
from leads.serializers.duplicates import DuplicateCheckInputSerializer, DuplicateCheckOutputSerializer
from organizations.scoped_views import BranchScopedAPIView
from organizations.models import Branch


class DuplicateCheckView(SearchRateMixin, BranchScopedAPIView):
    """GET /api/leads/duplicates/?contact_number=…&cnic=…&passport_number=…"""

    scoped_queryset = staticmethod(lead_list)
    # `known_at_branches` answers whether a number exists in branches the caller cannot see: the search's budget.
    @extend_schema(
        operation_id="leads_duplicates",
        summary="Leads a new lead would duplicate, before it is created",
        description="The `possible_duplicates` (leads you can see) and `known_at_branches` (names of the "
        "organization's other branches holding a match you cannot see) that creating a lead with these values "
        "would answer; nothing is saved. Matches the contact number, CNIC and passport (a passport match would "
        "make the create a 400). At least one value is required; each is normalised as a create normalises it. "
        "`branch` (the branch the lead would go to) picks its organization; without it, every organization you "
        "belong to. Counted against the search rate (`DJANGO_THROTTLE_SEARCH`).",
        parameters=[DuplicateCheckInputSerializer],
        responses={200: DuplicateCheckOutputSerializer, **error_responses(400, *ACCESS_ERRORS)},
        tags=["leads"],
    )
    def get(self, request):
        serializer = DuplicateCheckInputSerializer(data=request.query_params, context={"request": request})
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        branch = params.get("branch")
        if branch is not None:
            organization_ids = {branch.organization_id}
        else:
            organization_ids = set(Branch.objects.visible_to(request.user).values_list("organization_id", flat=True))
        hints = duplicate_hints_before_create(
            user=request.user,
            organization_ids=organization_ids,
            contact_number=params.get("contact_number", ""),
            cnic=params.get("cnic", ""),
            passport_number=params.get("passport_number", ""),
        )
        return Response(DuplicateCheckOutputSerializer(hints.as_dict()).data)
