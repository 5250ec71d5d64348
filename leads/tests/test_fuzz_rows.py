"""fuzz/fuzz_rows.py on a fresh `seed_demo`: the rows fuzz/schemathesis.toml names are there, in the state it says."""

import importlib.util
import json
import tempfile
import tomllib
from contextlib import redirect_stdout
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TransactionTestCase

from booking.models import Booking
from booking.services import booking_create
from common.errors import StateConflict
from leads.models import Lead, LeadStatus, LoanCommitment, LoanStatus
from leads.services import lead_mark_lost
from leads.services.merge import lead_merge
from organizations.models import Branch

ROOT = Path(__file__).resolve().parents[2]


def fuzz_config() -> dict:
    config = tomllib.loads((ROOT / "fuzz" / "schemathesis.toml").read_text())
    operations = {operation["include-path"]: operation.get("parameters", {}) for operation in config["operations"]}
    # Dictionaries read from a file (future_days: fuzz/run.sh writes it from the business day) name no rows.
    dictionaries = {name: d["values"] for name, d in config["dictionaries"].items() if "values" in d}
    return {"operations": operations, "dictionaries": dictionaries}


def dictionary_of(config: dict, path: str, parameter: str) -> list:
    return config["dictionaries"][config["operations"][path][parameter]["dictionary"]]


class FuzzRowsTests(TransactionTestCase):
    # The ids are those of a fresh database, as fuzz/run.sh makes it (booking leads made on commit).
    reset_sequences = True

    def setUp(self):
        call_command("seed_demo", stdout=StringIO())
        spec = importlib.util.spec_from_file_location("fuzz_rows", ROOT / "fuzz" / "fuzz_rows.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with redirect_stdout(StringIO()):
            module.main()
        self.config = fuzz_config()
        self.branch = Branch.objects.get(code="A1")
        self.staff = get_user_model().objects.get(username="branch_a1")

    def book(self, *, contact_number: str, passport_number: str = "") -> Booking:
        return booking_create(
            branch=self.branch, customer_name="A booked customer", contact_number=contact_number,
            passport_number=passport_number, total_amount=Decimal("1000"), actor=self.staff,
        )

    def test_demo_ids_of_the_dictionaries_are_branch_a1s(self):
        dictionaries = self.config["dictionaries"]
        self.assertEqual(dictionaries["branch_ids"], [self.branch.pk])
        self.assertEqual(dictionaries["assignee_ids"], [self.staff.pk])
        self.assertEqual(set(Lead.objects.filter(pk__in=dictionaries["lead_ids"]).values_list("branch", flat=True)), {self.branch.pk})
        self.assertEqual(Booking.objects.get(pk__in=dictionaries["booking_ids"]).branch, self.branch)
        update_lead = Lead.objects.get(pk=self.config["operations"]["/api/leads/update/{id}/"]["path.id"])
        self.assertEqual((update_lead.branch, update_lead.lead_status), (self.branch, LeadStatus.NEW))
        # Only a lost lead has a lost reason: update's bodies mostly leave it blank.
        self.assertEqual(dictionary_of(self.config, "/api/leads/update/{id}/", "body.lost_reason"), [""])

    def test_the_lost_lead_is_left_alone_by_bookings_with_its_number(self):
        lead = Lead.objects.get(pk=self.config["operations"]["/api/leads/lost/{id}/"]["path.id"])
        self.assertEqual((lead.branch, lead.lead_status, lead.passport_number), (self.branch, LeadStatus.NEW, ""))
        newer = Lead.objects.filter(contact_number=lead.contact_number, passport_number="", pk__gt=lead.pk)
        self.assertEqual(newer.count(), 5)
        # A booking with a passport takes the newest open lead without one (which then holds it), so
        # the newer enquiries take five of them; one without a passport, any number of them.
        self.book(contact_number=lead.contact_number, passport_number="ZX1000000")
        lead.refresh_from_db()
        self.assertEqual(lead.lead_status, LeadStatus.NEW)
        lead_mark_lost(lead=lead, lost_reason_code="price", actor=self.staff)
        for number in range(1, 5):
            self.book(contact_number=lead.contact_number, passport_number=f"ZX100000{number}")
            self.book(contact_number=lead.contact_number)
        lead.refresh_from_db()
        self.assertEqual((lead.lead_status, lead.booking), (LeadStatus.LOST, None))

    def test_merge_keeps_leads_with_passports_and_merges_duplicates_without(self):
        path = "/api/leads/merge/"
        keepers = Lead.objects.filter(pk__in=dictionary_of(self.config, path, "body.into"))
        duplicates = Lead.objects.filter(pk__in=dictionary_of(self.config, path, "body.merge[*]"))
        self.assertEqual(len({lead.passport_number for lead in keepers if lead.passport_number}), 3)
        self.assertEqual(set(duplicates.values_list("passport_number", flat=True)), {""})
        self.assertEqual(set(duplicates.values_list("branch", flat=True)), {self.branch.pk})
        example = self.merge_example()
        self.assertIn(example["into"], [keeper.pk for keeper in keepers])
        self.assertFalse(set(example["merge"]) & set(duplicates.values_list("pk", flat=True)))
        example_leads = Lead.objects.filter(pk__in=[example["into"], *example["merge"]])
        lead_merge(into=example_leads.get(pk=example["into"]), merge=list(example_leads.filter(pk__in=example["merge"])))
        lead_merge(into=keepers[1], merge=[duplicates[0]])
        with self.assertRaises(StateConflict):
            lead_merge(into=keepers[0], merge=[Lead.objects.get(pk=1)])

    def test_loan_promise_commitments_are_open_on_the_lead_additions_name(self):
        path = "/api/leads/loan-promise/"
        [lead_id] = dictionary_of(self.config, path, "body.lead")
        commitments = LoanCommitment.objects.filter(pk__in=dictionary_of(self.config, path, "body.id"))
        self.assertEqual(len(commitments), 5)
        self.assertEqual({(c.lead_id, c.status, c.paid_amount) for c in commitments}, {(lead_id, LoanStatus.PENDING, 0)})
        self.assertEqual(Lead.objects.get(pk=lead_id).branch, self.branch)

    def merge_example(self) -> dict:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "schema.json"
            call_command("spectacular", "--format", "openapi-json", "--file", str(target))
            schema = json.loads(target.read_text())
        [example] = schema["paths"]["/api/leads/merge/"]["post"]["requestBody"]["content"]["application/json"]["examples"].values()
        return example["value"]
