"""Hand-made XLSX packages for the bounded reader's tests (and `benchmarks/hostile_xlsx.py`).

Each is built with `zipfile` from raw XML, the way an attacker would: nothing here goes through
openpyxl's writer, which would never produce them.
"""

import io
import zipfile
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{strings}</Types>"
)
_STRINGS_TYPE = (
    '<Override PartName="/{path}" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    "{strings}</Relationships>"
)
_STRINGS_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="/{path}"/>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inline_cell(row: int, column: int, text: str) -> str:
    return f'<c r="{_column_letter(column)}{row}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def sheet_xml(rows: dict[int, str], dimension: str | None = None) -> str:
    """A worksheet whose `<row>`s are given as {row number: cells' XML}, with the `<dimension>` it declares."""
    body = "".join(f'<row r="{number}">{cells}</row>' for number, cells in sorted(rows.items()))
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{declared}<sheetData>{body}</sheetData></worksheet>'


def _write_workbook(archive: zipfile.ZipFile, strings_path: str | None) -> None:
    """Every part but the sheet and the shared strings."""
    archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(strings=_STRINGS_TYPE.format(path=strings_path) if strings_path else ""))
    archive.writestr("_rels/.rels", _RELS)
    archive.writestr("xl/workbook.xml", _WORKBOOK)
    archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(strings=_STRINGS_REL.format(path=strings_path) if strings_path else ""))


def package(sheet: str, *, shared_strings: str | None = None, strings_path: str = "xl/sharedStrings.xml") -> bytes:
    """The zip of a one-sheet workbook; `sheet` (and the shared strings) written piecewise, never whole in memory twice."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write_workbook(archive, strings_path if shared_strings is not None else None)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            archive.writestr(strings_path, shared_strings)
    return buffer.getvalue()


HEADER_CELLS = inline_cell(1, 1, "customer_name") + inline_cell(1, 2, "contact_number")


def padded_to_the_last_row() -> bytes:
    """The red team's 4.8 KB file: `<dimension>` A1:XFD1048576, a header, one data row at row 1,048,576."""
    last = 1048576
    data = inline_cell(last, 1, "Far Away") + inline_cell(last, 2, "03001234567") + f'<c r="XFD{last}"><v>1</v></c>'
    return package(sheet_xml({1: HEADER_CELLS, last: data}, dimension="A1:XFD1048576"))


def one_huge_shared_string(size: int = 200 * 1024 * 1024) -> bytes:
    """The red team's second file: a shared string table holding one `size`-character string."""
    strings_start = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write_workbook(archive, "xl/sharedStrings.xml")
        data = '<c r="A2" t="s"><v>0</v></c>' + inline_cell(2, 2, "03001234567")
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml({1: HEADER_CELLS, 2: data}))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(strings_start.encode())
            block = b"A" * (1024 * 1024)
            for _ in range(size // len(block)):
                member.write(block)
            member.write(b"</t></si></sst>")
    return buffer.getvalue()
