"""An import reads a file within bounds: hostile workbooks (built by hand in hostile_xlsx) are refused
by their zip directory at upload, or stop the read at the first row beyond the bounds, never after
walking the empty rows and cells a workbook declares."""

import random
import string
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from openpyxl.worksheet._reader import WorkSheetParser

from leads.models import Lead
from transfers.files import iter_records, iter_rows
from transfers.tests import hostile_xlsx
from transfers.tests.hostile_xlsx import HEADER_CELLS, inline_cell, package, sheet_xml
from transfers.tests.test_imports import ImportAPITestCase, csv_file


def upload_of(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("register.xlsx", content, "application/octet-stream")


def strings_part(*texts: str) -> str:
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{hostile_xlsx._MAIN}">{items}</sst>'


class CountingParser:
    """Counts the `<row>`s openpyxl's parser builds while the reader runs."""

    def __enter__(self):
        self.rows = 0
        real = WorkSheetParser.parse_row

        def parse_row(parser, element):
            self.rows += 1
            return real(parser, element)

        self._patch = mock.patch.object(WorkSheetParser, "parse_row", parse_row)
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()


class PaddedWorkbookTests(ImportAPITestCase):
    def test_a_row_at_the_sheets_last_row_fails_the_import_without_reading_the_rows_before_it(self):
        with CountingParser() as counted:
            response = self.upload(upload_of(hostile_xlsx.padded_to_the_last_row()))
        self.assertStatus(response, 202)  # the header is fine
        report = self.report(response.json()["id"])
        self.assertEqual(report["status"], "failed")
        self.assertIn("Row 1048576 is beyond the last row an import reads (row 100001", report["failure"])
        # The header row at upload, then the header and the far row in the run: the million rows
        # (of 16,384 cells) the dimension declares were never built.
        self.assertEqual(counted.rows, 3)
        self.assertFalse(Lead.objects.filter(customer_name="Far Away").exists())

    def test_the_declared_dimension_neither_pads_nor_cuts_columns(self):
        rows = {
            1: HEADER_CELLS,
            2: inline_cell(2, 1, "Hina Shah") + inline_cell(2, 2, "0300 1112223") + '<c r="XFD2"><v>7</v></c>',
        }
        content = package(sheet_xml(rows, dimension="A1"))  # openpyxl's read-only mode would read column A only
        records = list(iter_records(content, "xlsx", mode="create"))
        self.assertEqual(records, [(2, {"customer_name": "Hina Shah", "contact_number": "0300 1112223"})])
        report = self.run_import(upload_of(content))
        self.assertEqual((report["status"], report["created"]), ("done", 1), report)

    def test_a_header_wider_than_the_columns_read_is_a_400(self):
        header = HEADER_CELLS + inline_cell(1, 60, "area")
        response = self.upload(upload_of(package(sheet_xml({1: header}))))
        self.assertStatus(response, 400)
        self.assertEqual(response.json()["file"], ["The header has more than 50 columns."])

    def test_a_data_cell_past_the_columns_read_is_never_kept(self):
        rows = {1: HEADER_CELLS, 2: inline_cell(2, 1, "Hina Shah") + inline_cell(2, 2, "03001112223")}
        rows[2] += "".join(f'<c r="{hostile_xlsx._column_letter(column)}2"><v>1</v></c>' for column in range(3, 200))
        with override_settings(LEADS_IMPORT_MAX_COLUMNS=5):
            content = package(sheet_xml(rows))
            self.assertEqual([len(cells) for _number, cells in iter_rows(content, "xlsx")], [2, 5])
            records = list(iter_records(content, "xlsx", mode="create"))
        self.assertEqual(records, [(2, {"customer_name": "Hina Shah", "contact_number": "03001112223"})])


class ZipDirectoryTests(ImportAPITestCase):
    def assertRefusedAtUpload(self, content: bytes, message: str):
        with mock.patch("openpyxl.reader.excel.read_string_table") as read_strings:
            response = self.upload(upload_of(content))
        self.assertStatus(response, 400)
        self.assertEqual(len(response.json()["file"]), 1)
        self.assertIn(message, response.json()["file"][0])
        read_strings.assert_not_called()  # refused before openpyxl opened the workbook

    def test_a_shared_string_unzipping_a_thousand_times_its_size_is_refused_at_upload(self):
        self.assertRefusedAtUpload(
            hostile_xlsx.one_huge_shared_string(2 * 1024 * 1024),
            "This workbook's part xl/sharedStrings.xml unzips to",
        )

    @override_settings(LEADS_IMPORT_MAX_PART_BYTES=100_000)
    def test_a_shared_string_table_larger_than_a_part_may_be_is_refused_at_upload(self):
        text = "".join(random.Random(7).choices(string.ascii_letters, k=150_000))  # barely compressible
        rows = {1: HEADER_CELLS, 2: '<c r="A2" t="s"><v>0</v></c>' + inline_cell(2, 2, "03001112223")}
        self.assertRefusedAtUpload(
            package(sheet_xml(rows), shared_strings=strings_part(text), strings_path="xl/other.xml"),
            "part xl/other.xml unzips to 150",
        )

    @override_settings(LEADS_IMPORT_MAX_PART_BYTES=100_000)
    def test_a_large_worksheet_is_read_within_the_total(self):
        rows = {1: HEADER_CELLS}
        for number in range(2, 2000):
            rows[number] = inline_cell(number, 1, f"Person {number}") + inline_cell(number, 2, f"0300{number:07d}")
        content = package(sheet_xml(rows))
        self.assertEqual(len(list(iter_records(content, "xlsx", mode="create"))), 1998)
        with override_settings(LEADS_IMPORT_MAX_UNZIPPED_BYTES=100_000):
            with self.assertRaisesMessage(ValidationError, "This workbook unzips to"):
                list(iter_records(content, "xlsx", mode="create"))


class RowAndCellBoundsTests(ImportAPITestCase):
    @override_settings(LEADS_IMPORT_MAX_ROWS=3)
    def test_a_csv_with_more_rows_than_an_import_reads_fails_naming_the_row(self):
        lines = [f"Person {n},0300 111222{n},,,,,," for n in range(5)]
        report = self.run_import(csv_file(*lines))
        self.assertEqual(report["status"], "failed")
        self.assertIn("Row 5 is beyond the last row an import reads (row 4: the header and 3 rows)", report["failure"])
        self.assertEqual(report["created"], 0)

    @override_settings(LEADS_IMPORT_MAX_CELL_CHARS=100)
    def test_a_cell_longer_than_allowed_fails_the_import_naming_row_and_column(self):
        report = self.run_import(csv_file("Ayesha Khan,0300 1112223,,,,,,ok", "Bilal,0300 1112224,,,,,," + "x" * 101))
        self.assertEqual(report["status"], "failed")
        self.assertEqual(report["failure"], "Row 3, column 8: a cell holds at most 100 characters.")


class ReaderWithoutDatabaseTests(SimpleTestCase):
    def test_blank_rows_beyond_the_bounds_are_skipped_not_refused(self):
        rows = {1: HEADER_CELLS, 2: inline_cell(2, 1, "Hina") + inline_cell(2, 2, "03001112223"), 500000: '<c r="A500000"/>'}
        with override_settings(LEADS_IMPORT_MAX_ROWS=10):
            records = list(iter_records(package(sheet_xml(rows)), "xlsx", mode="create"))
        self.assertEqual([number for number, _record in records], [2])
