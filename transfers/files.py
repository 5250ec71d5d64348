"""Reading an uploaded register: CSV (UTF-8, else Windows-1252) or XLSX (openpyxl, read-only mode).

Rows are yielded one at a time with their number as a spreadsheet shows it (the header is row 1),
so a 100,000-row workbook never sits in memory as cells.
"""

import csv
import io
from datetime import date, datetime, time
from collections.abc import Iterator

from django.core.exceptions import ValidationError

from leads.services.imports import COLUMN_BY_KEY, IMPORT_COLUMNS, MATCH_FIELDS, ImportMode, column_key
from transfers.models import FileFormat

XLSX_MAGIC = b"PK\x03\x04"


def file_format_of(name: str, content: bytes) -> str:
    """XLSX when the bytes are a zip package, CSV otherwise; an `.xlsx` name on other bytes is refused."""
    if content.startswith(XLSX_MAGIC):
        return FileFormat.XLSX
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise ValidationError({"file": ["This is not an XLSX workbook; upload .xlsx or .csv."]})
    return FileFormat.CSV


def _csv_text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def iter_rows(content: bytes, file_format: str) -> Iterator[tuple[int, list]]:
    """(row number, cells) for every row of the first sheet, header included; blank rows left out."""
    if file_format == FileFormat.XLSX:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors on a broken file
            raise ValidationError({"file": [f"This workbook cannot be read ({type(exc).__name__})."]}) from exc
        try:
            sheet = workbook.worksheets[0]
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if any(cell is not None and str(cell).strip() != "" for cell in cells):
                    yield number, list(cells)
        finally:
            workbook.close()
        return
    reader = csv.reader(io.StringIO(_csv_text(content), newline=""))
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, cells
    except csv.Error as exc:
        raise ValidationError({"file": [f"Line {reader.line_num}: {exc}"]}) from exc


def columns_of(header: list, *, mode: str) -> list[str | None]:
    """The lead field of each header cell (None for an empty header); unknown or repeated names are a 400."""
    columns, unknown = [], []
    for cell in header:
        text = "" if cell is None else str(cell).strip()
        if not text:
            columns.append(None)
            continue
        name = COLUMN_BY_KEY.get(column_key(text))
        if name is None:
            unknown.append(text)
        columns.append(name)
    if unknown:
        raise ValidationError(
            {"file": [f"Unknown columns: {', '.join(unknown)}. Known: {', '.join(IMPORT_COLUMNS)}."]}
        )
    named = [name for name in columns if name]
    repeated = sorted({name for name in named if named.count(name) > 1})
    if repeated:
        raise ValidationError({"file": [f"Repeated columns: {', '.join(repeated)}."]})
    if mode == ImportMode.UPDATE:
        if not set(named) & set(MATCH_FIELDS):
            raise ValidationError({"file": ["Give a passport_number, cnic or contact_number column to match leads."]})
    else:
        missing = [name for name in ("customer_name", "contact_number") if name not in named]
        if missing:
            raise ValidationError({"file": [f"Missing columns: {', '.join(missing)}."]})
    return columns


def read_header(content: bytes, file_format: str, *, mode: str) -> list[str | None]:
    for _number, cells in iter_rows(content, file_format):
        return columns_of(cells, mode=mode)
    raise ValidationError({"file": ["The file has no header row."]})


def iter_records(content: bytes, file_format: str, *, mode: str) -> Iterator[tuple[int, dict]]:
    """(row number, {column: cell}) for every data row; cells of unnamed columns are dropped."""
    rows = iter_rows(content, file_format)
    columns = None
    for number, cells in rows:
        if columns is None:
            columns = columns_of(cells, mode=mode)
            continue
        record = {}
        for name, cell in zip(columns, cells):
            if name is not None:
                if isinstance(cell, datetime):
                    cell = cell.date()
                record[name] = cell.isoformat() if isinstance(cell, (date, time)) else cell
        yield number, record
