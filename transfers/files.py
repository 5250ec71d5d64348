"""Reading an uploaded register: CSV (UTF-8, else Windows-1252) or XLSX, in bounded time and memory.

Rows are yielded one at a time with their number as a spreadsheet shows it (the header is row 1),
so a 100,000-row workbook never sits in memory as cells. What is read is bounded before and while
reading, by settings (`LEADS_IMPORT_MAX_*`, docs/configuration.md), each a ValidationError on `file`:

* rows: the last row read is row `LEADS_IMPORT_MAX_ROWS` + 1; a row numbered beyond it stops the read
  (the import fails naming it) instead of being reached by walking the rows before it;
* columns: at most `LEADS_IMPORT_MAX_COLUMNS` are read of any row (a header naming more is refused);
* cells: at most `LEADS_IMPORT_MAX_CELL_CHARS` characters each;
* an XLSX's zip directory, before anything is unzipped: its parts' total size, each part's growth
  (`LEADS_IMPORT_MAX_ZIP_RATIO`), and the size of every part openpyxl reads whole into memory
  (shared strings, styles: all but the worksheets). zipfile never unzips more than a part's
  directory entry declares (a part that would is a CRC error), so these bounds also hold while reading.

The worksheet is read with openpyxl's own streaming row parser (read-only mode's), driven here:
it yields only the rows the sheet holds. openpyxl's read-only worksheet would trust the declared
`<dimension>` instead, padding every missing row and cell up to it (a 2 KB file declaring
`A1:XFD1048576` is a billion empty cells) or cutting columns off when it declares too few.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError

from transfers.models import FileFormat
from transfers.vocabulary import COLUMN_BY_KEY, IMPORT_COLUMNS, MATCH_FIELDS, ImportMode, column_key, refused_cell

XLSX_MAGIC = b"PK\x03\x04"
# A part smaller than this is not judged by how much it grows (tiny parts compress oddly well).
_RATIO_GRACE_BYTES = 100 * 1024
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# What a lead's text cannot hold: PostgreSQL refuses NUL in text and in JSON.
_NUL = "\x00"
NUL_MESSAGE = "Remove the NUL character (U+0000) from this cell; a lead's text cannot hold it."


def file_format_of(name: str, content: bytes) -> str:
    """XLSX when the bytes are a zip package, CSV otherwise; an `.xlsx` name on other bytes is refused."""
    if content.startswith(XLSX_MAGIC):
        return FileFormat.XLSX
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise ValidationError({"file": ["This is not an XLSX workbook; upload .xlsx or .csv."]})
    return FileFormat.CSV


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _csv_text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def check_xlsx_package(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose zip directory promises more than the bounds allow, before unzipping it."""
    infos = archive.infolist()
    for info in infos:
        if info.file_size > _RATIO_GRACE_BYTES and info.file_size > settings.LEADS_IMPORT_MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise _refuse(
                f"This workbook's part {info.filename} unzips to {info.file_size // max(info.compress_size, 1)} times "
                f"its size; at most {settings.LEADS_IMPORT_MAX_ZIP_RATIO} times is read."
            )
    streamed = _worksheet_parts(archive)
    for info in infos:
        if info.filename not in streamed and info.file_size > settings.LEADS_IMPORT_MAX_PART_BYTES:
            raise _refuse(
                f"This workbook's part {info.filename} unzips to {info.file_size} bytes; at most "
                f"{settings.LEADS_IMPORT_MAX_PART_BYTES} are read of a part other than a worksheet."
            )
    total = sum(info.file_size for info in infos)
    if total > settings.LEADS_IMPORT_MAX_UNZIPPED_BYTES:
        raise _refuse(f"This workbook unzips to {total} bytes; at most {settings.LEADS_IMPORT_MAX_UNZIPPED_BYTES} are read.")


def _worksheet_parts(archive: zipfile.ZipFile) -> set[str]:
    """The parts the package declares as worksheets (streamed, not held whole) under xl/worksheets/.

    Only there: openpyxl reads some parts by their fixed name (xl/styles.xml) whatever they are declared as."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.functions import fromstring

    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return set()
    if info.file_size > settings.LEADS_IMPORT_MAX_PART_BYTES:
        return set()  # refused by the caller's size check
    manifest = Manifest.from_tree(fromstring(archive.read(info)))
    return {
        part.PartName.lstrip("/")
        for part in manifest.findall(_WORKSHEET_TYPE)
        if part.PartName.lstrip("/").startswith("xl/worksheets/")
    }


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list]]:
    """(row number, cells up to the last one held, at most LEADS_IMPORT_MAX_COLUMNS) of the first sheet's rows."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    max_columns = settings.LEADS_IMPORT_MAX_COLUMNS
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            check_xlsx_package(archive)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except ValidationError:
        raise
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors on a broken file
        raise _refuse(f"This workbook cannot be read ({type(exc).__name__}).") from exc
    try:
        # The read-only worksheet's own source and parser (as its `_cells_by_row` builds them),
        # without the padding it adds around them.
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, cells in parser.parse():
                held = {cell["column"]: cell["value"] for cell in cells if cell["column"] <= max_columns}
                if any(cell["column"] > max_columns and cell["value"] is not None for cell in cells):
                    held[max_columns + 1] = True  # a cell beyond the columns read: refused in a header
                yield number, [held.get(column) for column in range(1, max(held, default=0) + 1)]
    except ValidationError:
        raise
    except Exception as exc:  # a sheet that is not well-formed XML, a bad shared string index, …
        raise _refuse(f"This workbook cannot be read ({type(exc).__name__}).") from exc
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterator[tuple[int, list]]:
    reader = csv.reader(io.StringIO(_csv_text(content), newline=""))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise _refuse(f"Line {reader.line_num}: {exc}") from exc


def _filled(cell) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def iter_rows(content: bytes, file_format: str) -> Iterator[tuple[int, list]]:
    """(row number, cells) for every row of the first sheet, header included; blank rows left out.

    Within the bounds of the module docstring: a filled row numbered beyond them ends the read with
    a ValidationError as soon as it is met, never by walking the empty rows up to it."""
    rows = _xlsx_rows(content) if file_format == FileFormat.XLSX else _csv_rows(content)
    last_row, max_columns = settings.LEADS_IMPORT_MAX_ROWS + 1, settings.LEADS_IMPORT_MAX_COLUMNS
    max_chars = settings.LEADS_IMPORT_MAX_CELL_CHARS
    kept, header_seen = 0, False
    for number, cells in rows:
        within = cells[:max_columns]
        if not any(_filled(cell) for cell in within):
            continue  # blank (or filled only beyond the columns read, which no header names)
        kept += 1
        if number > last_row or kept > last_row:
            raise _refuse(
                f"Row {max(number, kept)} is beyond the last row an import reads (row {last_row}: the header and "
                f"{settings.LEADS_IMPORT_MAX_ROWS} rows); split the file."
            )
        if not header_seen and any(_filled(cell) for cell in cells[max_columns:]):
            raise _refuse(f"The header has more than {max_columns} columns.")
        for column, cell in enumerate(within, start=1):
            if isinstance(cell, str) and len(cell) > max_chars:
                raise _refuse(f"Row {number}, column {column}: a cell holds at most {max_chars} characters.")
        header_seen = True
        yield number, list(within)


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
                if isinstance(cell, str) and _NUL in cell:
                    cell = refused_cell(NUL_MESSAGE)  # a row error on this field, not a failed import
                record[name] = cell.isoformat() if isinstance(cell, (date, time)) else cell
        yield number, record
