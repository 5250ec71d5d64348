"""The scoped-endpoint test base applied to the import and export endpoints: another tenant's import
is a 404 on its report and its revert, another tenant's branch a 400 on the upload's `branch`, and the
export holds only the caller's leads."""

import csv
import io
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APITestCase

from leads.tests.factories import LeadFactory
from organizations.tests.factories import branch_user
from organizations.tests.scoped_endpoints import ScopedEndpointTestBase


def register(*lines: str) -> SimpleUploadedFile:
    body = "customer_name,contact_number\n" + "".join(line + "\n" for line in lines)
    return SimpleUploadedFile("register.csv", body.encode(), "text/csv")


class ImportOnPath(ScopedEndpointTestBase):
    """An endpoint acting on the import named on its path: a finished import made by a member of `branch`."""

    name = ""
    numbers = count(1112223)

    def make(self, branch):
        self.client.force_authenticate(branch_user(branch))
        upload = {"file": register(f"Ayesha Khan,0300 {next(self.numbers)}"), "branch": branch.pk, "mode": "create"}
        with self.captureOnCommitCallbacks(execute=True):  # the import runs, as the worker would
            response = self.client.post(reverse("transfers:import-create"), upload, format="multipart")
        self.assertEqual(response.status_code, 202, response.content)
        return response.json()["id"]

    def request_for(self, row):
        return reverse(self.name, args=[row]), None


class ImportReportTests(ImportOnPath, APITestCase):
    name = "transfers:import-detail"

    def test_the_report_is_of_a_finished_import(self):
        response = self.call(self.member, self.make(self.home))
        self.assertEqual((response.data["status"], response.data["created"]), ("done", 1))


class ImportRevertTests(ImportOnPath, APITestCase):
    name, method = "transfers:import-revert", "post"


class ImportCreateTests(ScopedEndpointTestBase, APITestCase):
    """The upload names its branch in the body: another tenant's is a 400 on `branch`, as an unknown id."""

    method, request_format, ok_status, other_tenant_status = "post", "multipart", 202, 400

    def make(self, branch):
        return branch

    def request_for(self, row):
        return reverse("transfers:import-create"), {
            "file": register("Walk In,0300 7654321"), "branch": row.pk, "mode": "create", "dry_run": "true",
        }

    def test_another_tenants_branch_is_refused_on_the_field(self):
        response = self.call(self.member, self.elsewhere)
        self.assertEqual(set(response.data), {"branch"})


class ExportTests(ScopedEndpointTestBase, APITestCase):
    """The export is a list: only the caller's leads are in the file."""

    is_list, other_tenant_status = True, 200

    def make(self, branch):
        return LeadFactory(branch=branch)

    def request_for(self, row):
        return reverse("transfers:export"), None

    def listed_ids(self, response):
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return {int(line["id"]) for line in csv.DictReader(io.StringIO(text))}
