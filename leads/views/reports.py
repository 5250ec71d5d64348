"""Report endpoints: the lost-reason catalogue and the summary per branch."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from common.api.schema import ACCESS_ERRORS, error_responses
from leads.report_queries import summary_report
from leads.selectors import lost_reasons_visible
from leads.serializers import LostReasonOutputSerializer
from leads.serializers.reports import SummaryOutputSerializer, SummaryQuerySerializer
from organizations.models import Branch
from organizations.scoped_views import BranchScopedAPIView
from organizations.scoping import check_reaches_branch

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


class SummaryReportView(BranchScopedAPIView):
    """GET /api/leads/reports/summary/"""

    scoped_queryset = staticmethod(lambda *, user: Branch.objects.visible_to(user))
    pagination_class = None

    @extend_schema(
        operation_id="leads_reports_summary",
        summary="Numbers per branch and in total for a period",
        description="Over the leads created from `from` to `to` (local days, both included; default the "
        "last 30 days, echoed in the answer), per branch you can see (or only `branch_id`) and in total: "
        "leads by status and by source, new leads per week, conversion rate, follow-ups due in the period "
        "and how many were done on or before their day, stale leads (open, no contact for 7+ days), leads "
        "never contacted, lost leads by reason and the median business hours (09:00-18:00 Mon-Sat) to the "
        "first follow-up per source. The same filters on `list/` (`created_at_after`, `created_at_before`, "
        "`branch_id`, `lead_status`, `lead_source`, `lost_reason_code`, `stale`, `never_contacted`) list "
        "exactly the leads counted. See docs/reports.md.",
        parameters=[SummaryQuerySerializer],
        responses={
            200: SummaryOutputSerializer,
            **error_responses(
                400, *ACCESS_ERRORS, e400="A bad `from`/`to`/`branch_id`, or `branch_id` not one of your branches."
            ),
        },
        tags=TAGS,
    )
    def get(self, request):
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        branch_id = query.validated_data.get("branch_id")
        if branch_id is not None:
            check_reaches_branch(request.user, branch_id)
        report = summary_report(user=request.user, period=query.validated_data["period"], branch_id=branch_id)
        return Response(SummaryOutputSerializer(report).data)
