"""The import's words, shared by the file readers, the row writer, the models and the API: its modes, the
columns a register may hold and how their names are matched, what became of a row, and how a reader
hands on a cell it refused."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportMode(models.TextChoices):
    CREATE = "create", _("Create new leads only")
    UPSERT = "upsert", _("Create new leads and update matched ones")
    UPDATE = "update", _("Update matched leads only")


LEAD_COLUMNS = (
    "customer_name",
    "contact_number",
    "passport_number",
    "cnic",
    "address",
    "area",
    "lead_source",
    "lead_status",
    "next_followup_date",
    "remarks",
)
FOLLOWUP_REMARKS = "followup_remarks"
IMPORT_COLUMNS = (*LEAD_COLUMNS, FOLLOWUP_REMARKS)
# The identity a row is matched by, in order of preference.
MATCH_FIELDS = ("passport_number", "cnic", "contact_number")


def column_key(name: str) -> str:
    """`Customer Name`, `customer_name` and `CUSTOMERNAME` are one column: case, spaces, underscores and
    hyphens ignored (`Next follow-up date` is `next_followup_date`)."""
    return re.sub(r"[\s_-]+", "", str(name or "")).lower()


COLUMN_BY_KEY = {column_key(name): name for name in IMPORT_COLUMNS}


class RowAction(models.TextChoices):
    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"
    FAILED = "failed"


def refused_cell(message: str) -> dict:
    """What a file reader puts in place of a cell it cannot pass on (a NUL byte): the row fails naming
    the field with `message`. A JSON object, so it is kept as is in an import's stored chunk."""
    return {"refused": message}
