"""POST /api/leads/merge/: two or more leads of one customer become one."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.exceptions import NotFound

from common.api.schema import ACCESS_ERRORS, error_responses
from leads.selectors import lead_list
from leads.serializers import LeadDetailOutputSerializer
from leads.serializers.merge import LeadMergeInputSerializer
from leads.services import lead_merge
from leads.views.responses import write_and_show
from organizations.scoped_views import BranchScopedAPIView


class LeadMergeView(BranchScopedAPIView):
    """POST /api/leads/merge/"""

    scoped_queryset = staticmethod(lead_list)

    @extend_schema(
        operation_id="leads_merge",
        summary="Merge leads of one customer",
        description="In one transaction: every follow-up, loan commitment (with its payments) and booking "
        "link of the `merge` leads moves to `into`, empty fields of `into` are filled from them, they are "
        "deleted (their ids answer 404) and `into`'s history records the merge. Every lead must be in "
        "your branches and `into`'s organization (else 404). Answers the kept lead.",
        request=LeadMergeInputSerializer,
        # The fuzzer's scratch database holds these (fuzz/fuzz_rows.py: one family's lead 46 and two
        # enquiries without passport), so the example it starts from is one the API accepts, once.
        examples=[
            OpenApiExample("Two enquiries into the customer's lead", request_only=True, value={"into": 46, "merge": [49, 50]})
        ],
        responses={
            200: LeadDetailOutputSerializer,
            **error_responses(
                400, *ACCESS_ERRORS, 404, 409, e409="Two different passports, or two different bookings."
            ),
        },
        tags=["leads"],
    )
    def post(self, request):
        serializer = LeadMergeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        into = self.get_scoped_object(serializer.validated_data["into"])
        merge_ids = set(serializer.validated_data["merge"])
        merge = list(self.get_queryset().filter(pk__in=merge_ids, organization_id=into.organization_id))
        if len(merge) != len(merge_ids):
            raise NotFound()
        return write_and_show(request, lambda: lead_merge(into=into, merge=merge, actor=request.user))
