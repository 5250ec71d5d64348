"""Import endpoints (upload, report, revert) and the streamed export."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from common.api.schema import ACCESS_ERRORS, error_responses
from leads.filters import LeadFilter
from leads.loan_book import leads_with_money_in_scope
from organizations.scoped_views import BranchScopedAPIView
from transfers.exports import XLSX_MEDIA_TYPE, export_response
from transfers.selectors import lead_import_report, lead_imports_visible
from transfers.serializers import (
    LeadExportInputSerializer,
    LeadImportCreatedSerializer,
    LeadImportInputSerializer,
    LeadImportOutputSerializer,
)
from transfers.services import lead_import_revert, lead_import_start

TAGS = ["imports and exports"]


class LeadImportCreateView(BranchScopedAPIView):
    """POST /api/leads/imports/"""

    scoped_queryset = staticmethod(lead_imports_visible)
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="leads_imports_create",
        summary="Import leads from a CSV or XLSX file",
        description="Columns are lead fields by name (case and spaces ignored) plus `followup_remarks`. "
        "Rows match the organization's leads by passport, else CNIC, else contact number. The file's "
        "header is checked here (unknown, repeated or missing columns are a 400 on `file`); the rows "
        "are worked in the background: poll `imports/<id>/` for the report.",
        request={"multipart/form-data": LeadImportInputSerializer},
        examples=[
            OpenApiExample(
                "A one-row CSV, checked only",
                request_only=True,
                media_type="multipart/form-data",
                value={
                    "file": "customer_name,contact_number\r\nZainab Akhtar,03001234567\r\n",
                    "branch": 1,
                    "mode": "create",
                    "dry_run": True,
                },
            )
        ],
        responses={
            202: LeadImportCreatedSerializer,
            **error_responses(
                400, *ACCESS_ERRORS, 503,
                e503="The job queue (broker) does not answer: nothing will run (the import is `failed`); "
                "upload again after `Retry-After` seconds.",
            ),
        },
        tags=TAGS,
    )
    def post(self, request):
        serializer = LeadImportInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        lead_import = lead_import_start(
            actor=request.user,
            branch=data["branch"],
            mode=data["mode"],
            dry_run=data["dry_run"],
            file_name=upload.name or "upload",
            content=upload.read(),
        )
        return Response({"id": lead_import.pk, "status": lead_import.status}, status=status.HTTP_202_ACCEPTED)


class LeadImportDetailView(BranchScopedAPIView):
    """GET /api/leads/imports/<id>/"""

    scoped_queryset = staticmethod(lead_imports_visible)

    @extend_schema(
        operation_id="leads_imports_retrieve",
        summary="An import's progress and report",
        description="Counters grow chunk by chunk while `status` is `running`; `processed` is always "
        "`created + updated + skipped + failed`. `errors` name the row as numbered in the file. "
        "`duplicates` show only the leads the reader can see (others as their branch's name).",
        responses={200: LeadImportOutputSerializer, **error_responses(*ACCESS_ERRORS, 404)},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        lead_import = lead_import_report(self.get_scoped_object(pk), user=request.user)
        return Response(LeadImportOutputSerializer(lead_import).data)


class LeadImportRevertView(BranchScopedAPIView):
    """POST /api/leads/imports/<id>/revert/"""

    scoped_queryset = staticmethod(lead_imports_visible)

    @extend_schema(
        operation_id="leads_imports_revert",
        summary="Undo an import",
        description="Deletes the leads the import created and restores the fields it updated. A 404 "
        "when the import wrote leads outside the caller's branches.",
        request=None,
        responses={
            200: LeadImportOutputSerializer,
            **error_responses(
                *ACCESS_ERRORS,
                404,
                409,
                e409="A dry run, not finished, reverted already, or a lead it wrote has been worked on since "
                "(changed, followed up, given a commitment, merged or deleted).",
            ),
        },
        tags=TAGS,
    )
    def post(self, request, pk: int):
        lead_import = lead_import_revert(lead_import=self.get_scoped_object(pk), actor=request.user)
        lead_import = lead_imports_visible(user=request.user).get(pk=lead_import.pk)
        return Response(LeadImportOutputSerializer(lead_import_report(lead_import, user=request.user)).data)


class JSONErrorsNegotiation(DefaultContentNegotiation):
    """`format` names the export's file type here, not a DRF renderer: errors are always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class LeadExportView(BranchScopedAPIView):
    """GET /api/leads/export/?format=csv|xlsx"""

    scoped_queryset = staticmethod(leads_with_money_in_scope)
    filterset_class = LeadFilter
    content_negotiation_class = JSONErrorsNegotiation
    filter_backends = [DjangoFilterBackend]

    @extend_schema(
        operation_id="leads_export",
        summary="Download the leads in scope as CSV or XLSX",
        description="Every filter of `list/` applies. One row per lead with the list's fields plus "
        "`outstanding_amount` (open commitments). Branch users get passport and CNIC masked to their "
        "last 4 characters. Each export is recorded (who, filters, row count). CSV streams as it is "
        "read; XLSX is written to a temporary file first. `labels=readable` writes readable column titles "
        "and choice labels, and its lead columns re-import.",
        parameters=[
            LeadExportInputSerializer,
        ],
        filters=True,
        responses={
            (200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR, description="CSV, UTF-8, header row first."),
            (200, XLSX_MEDIA_TYPE): OpenApiResponse(response=OpenApiTypes.BINARY, description="An XLSX workbook."),
            **error_responses(400, *ACCESS_ERRORS),
        },
        tags=TAGS,
    )
    def get(self, request):
        serializer = LeadExportInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        leads = self.filter_queryset(self.get_queryset())
        filters = {key: request.query_params.getlist(key) for key in request.query_params if key not in ("format", "labels")}
        return export_response(
            user=request.user, leads=leads, file_format=serializer.validated_data["format"],
            filters=filters,
            labels=serializer.validated_data["labels"],
        )


__all__ = ["LeadExportView", "LeadImportCreateView", "LeadImportDetailView", "LeadImportRevertView"]
