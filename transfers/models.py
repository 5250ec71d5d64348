"""Imports and exports of leads: the job, its claimable chunks, its report, and the export audit."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from leads.models import Lead
from organizations.models import Branch, Organization
from organizations.scoping import ScopedQuerySet
from transfers.vocabulary import ImportMode, RowAction


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FileFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")


class LeadImportQuerySet(ScopedQuerySet):
    """Imports into the branches a user may act on."""

    branch_path = "branch_id"


class LeadImport(models.Model):
    """One uploaded file and its run. The counters always add up: `processed` is the sum of the
    four outcomes, and each chunk's rows are counted in the transaction that writes them."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("organization")
    )
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="lead_imports", verbose_name=_("branch"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("file format"), max_length=4, choices=FileFormat.choices)
    # The file itself until it is split into chunks (then emptied): any worker host can read it.
    content = models.BinaryField(_("content"), editable=False)
    mode = models.CharField(_("mode"), max_length=10, choices=ImportMode.choices)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    failure = models.TextField(_("failure"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    reverted_at = models.DateTimeField(_("reverted at"), null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("reverted by")
    )
    # The last sign of life of its run (queued, split, a chunk written): `resume_imports` takes up an
    # import queued or running with none for a while, and fails it once it has been resumed too often.
    progress_at = models.DateTimeField(_("progress at"), null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)

    objects = LeadImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead import")
        verbose_name_plural = _("lead imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="import_status_valid"),
            models.CheckConstraint(condition=Q(mode__in=ImportMode.values), name="import_mode_valid"),
            models.CheckConstraint(
                condition=Q(processed=F("created") + F("updated") + F("skipped") + F("failed")),
                name="import_counts_add_up",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "-created_at"], name="import_branch_created_idx"),
            models.Index(
                fields=["progress_at"],
                condition=Q(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]),
                name="import_unfinished_idx",
            ),
        ]

    def __str__(self):
        kind = "dry run" if self.dry_run else self.mode
        return f"Import #{self.pk} of {self.file_name} ({kind}, {self.get_status_display()})"


class LeadImportChunk(models.Model):
    """A slice of the file's rows; a worker claims one (row lock, skip locked) and writes its rows,
    their report and the import's counters in one transaction, so a killed worker leaves it pending."""

    lead_import = models.ForeignKey(LeadImport, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    # [[row number in the file, {column: cell}], ...]
    rows = models.JSONField()
    is_done = models.BooleanField(default=False)
    # Ids of the leads this chunk created (revert deletes them); rows with a duplicate hint are in LeadImportRow.
    created_lead_ids = models.JSONField(default=list, blank=True)
    # When its rows were written (in its transaction): a created lead changed after this was worked on.
    written_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["lead_import_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lead_import", "number"], name="import_chunk_unique_number"),
        ]
        indexes = [
            models.Index(fields=["lead_import", "number"], condition=Q(is_done=False), name="import_chunk_pending_idx")
        ]

    def __str__(self):
        return f"Chunk {self.number} of import #{self.lead_import_id}"


class LeadImportError(models.Model):
    """One refused cell of the report: the row as numbered in the file, the field and why."""

    lead_import = models.ForeignKey(LeadImport, on_delete=models.CASCADE, related_name="errors")
    row = models.PositiveIntegerField()
    field = models.CharField(max_length=50, blank=True, default="")
    message = models.TextField()

    class Meta:
        ordering = ["lead_import_id", "row", "id"]

    def __str__(self):
        return f"Row {self.row}: {self.field} {self.message}"


class LeadImportRow(models.Model):
    """What a row did to a lead: every update (what revert restores) and every created lead with a duplicate hint."""

    lead_import = models.ForeignKey(LeadImport, on_delete=models.CASCADE, related_name="row_results")
    row = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=RowAction.choices)
    # Null in a dry run (nothing was kept) and once a reverted lead is gone.
    lead = models.ForeignKey(Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    previous = models.JSONField(default=dict, blank=True)
    followup_id = models.BigIntegerField(null=True, blank=True)
    # The lead's `updated_at` once the import was done with it: a later change means someone worked on it.
    lead_updated_at = models.DateTimeField(null=True, blank=True)
    possible_duplicates = models.JSONField(default=list, blank=True)
    known_at_branches = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["lead_import_id", "row"]
        indexes = [models.Index(fields=["lead_import", "row"], name="import_row_idx")]

    def __str__(self):
        return f"Row {self.row}: {self.action}"


class LeadExport(models.Model):
    """The audit record of one export: who, which filters, how many rows (set when the stream ends)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    file_format = models.CharField(_("file format"), max_length=4, choices=FileFormat.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("row count"), null=True, blank=True)
    masked = models.BooleanField(_("masked"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead export")
        verbose_name_plural = _("lead exports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Export #{self.pk} by {self.user} ({self.file_format}, {self.row_count} rows)"
