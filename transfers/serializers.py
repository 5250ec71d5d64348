"""Input and output serializers of the import and export endpoints."""

from rest_framework import serializers

from common.api.fields import ChoiceField, ScopedPrimaryKeyRelatedField, StrictBooleanField
from leads.serializers.leads import PossibleDuplicateSerializer
from organizations.models import Branch
from transfers.models import FileFormat, ImportStatus, LeadImport
from transfers.vocabulary import ImportMode


class LeadImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX; the first row names the columns.")
    branch = ScopedPrimaryKeyRelatedField(model=Branch, help_text="The branch new leads go to (one of yours).")
    mode = ChoiceField(choices=ImportMode.choices, help_text="create, upsert or update.")
    dry_run = StrictBooleanField(required=False, default=False, help_text="Report only; write nothing.")


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row as numbered in the file (the header is row 1).")
    field = serializers.CharField()
    message = serializers.CharField()


class ImportDuplicateSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    lead = serializers.IntegerField(allow_null=True, help_text="The created lead (null in a dry run).")
    possible_duplicates = PossibleDuplicateSerializer(many=True)
    known_at_branches = serializers.ListField(child=serializers.CharField())


class LeadImportCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ImportStatus.choices)


class LeadImportOutputSerializer(serializers.ModelSerializer):
    errors = ImportErrorSerializer(source="error_lines", many=True, read_only=True)
    duplicates = ImportDuplicateSerializer(source="duplicate_lines", many=True, read_only=True)

    class Meta:
        model = LeadImport
        fields = [
            "id", "status", "file_name", "file_format", "branch", "mode", "dry_run", "total", "processed",
            "created", "updated", "skipped", "failed", "failure", "errors", "duplicates", "created_at",
            "started_at", "finished_at", "reverted_at",
        ]
        read_only_fields = fields


class LeadExportInputSerializer(serializers.Serializer):
    format = ChoiceField(choices=FileFormat.choices, required=False, default=FileFormat.CSV)
    labels = ChoiceField(
        choices=[("readable", "Readable")],
        required=False,
        allow_blank=True,
        default="",
        help_text="`readable`: column titles a person reads (`Customer name`, `Lead status`…) and labels "
        "for choices (`Contacted`, lost reason's label, Yes/No). Omitted: the API's field names and values.",
    )
