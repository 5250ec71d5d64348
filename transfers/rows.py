"""Lead writes for imports: a batch of rows from a branch's register, through the lead rules.

Each row is parsed and checked with the rules every lead write uses (`lead_check_fields`, the
status rule `lead_check_status_change`, passports unique per organization), except that past
follow-up dates are accepted (`allow_historical_dates`). Rows are matched to the organization's
leads by normalised passport, else CNIC, else contact number. Writes are set-based (one INSERT and
one UPDATE per batch, with their history rows) so a 100,000-row register imports in a minute;
follow-up remarks go through `followup_record` row by row. The caller owns the transaction.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.api.throttling import UserScopeBudget
from common.errors import StateConflict
from common.identity import NORMALIZERS
from leads.duplicates import DuplicateHints, duplicate_hints
from leads.models import Lead, LeadSource, LeadStatus
from leads.services.assignment import leads_auto_assign, notify_assigned
from leads.services.followups import followup_record
from leads.services.leads import DUPLICATE_PASSPORT_MESSAGE, lead_check_fields, lead_check_status_change
from leads.services.sla import leads_set_first_contact_due
from organizations.models import user_sees_everything, visible_branch_ids
from transfers.vocabulary import FOLLOWUP_REMARKS, LEAD_COLUMNS, MATCH_FIELDS, ImportMode, RowAction

# What a follow-up changes on its lead: restored too when an import that recorded one is reverted.
FOLLOWUP_TOUCHED_FIELDS = ("last_contacted_at", "next_followup_date", "lead_status")
_CHOICES = {"lead_source": LeadSource, "lead_status": LeadStatus}
# Answers about leads the importer cannot see (a row matching one, a hint naming its branch) are
# searches: each spends one of the user's `search` throttle allowance (DJANGO_THROTTLE_SEARCH).
EXISTENCE_SCOPE = "search"
WITHHELD_MESSAGE = (
    "Not checked: this import has answered as many questions about leads outside your branches as your "
    "search limit allows for now; import this row again later."
)


@dataclass
class RowOutcome:
    row: int
    action: str
    lead: Lead | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    # field → value before the import changed it (updates only), JSON-ready
    previous: dict = field(default_factory=dict)
    followup_id: int | None = None
    hints: DuplicateHints | None = None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's numeric phone or CNIC cell
    return str(value).strip()


def _parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    parsed = None
    try:
        parsed = parse_date(text)
        if parsed is None:
            parsed = datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError("Enter a date as YYYY-MM-DD or DD/MM/YYYY.")
    return parsed


def _parse_choice(choices, value) -> str:
    text = _cell_text(value).lower()
    for choice_value, label in choices.choices:
        if text in (choice_value, label.lower()):
            return choice_value
    raise ValidationError(f"“{_cell_text(value)}” is not one of: {', '.join(choices.values)}.")


def parse_row(raw: dict) -> dict:
    """Typed values of a row's non-empty cells (keys are column names); a ValidationError names every bad cell."""
    values, errors = {}, {}
    for name, cell in raw.items():
        if isinstance(cell, dict):
            errors[name] = [str(cell.get("refused", "This cell cannot be read."))]
            continue
        if cell is None or (not isinstance(cell, (date, datetime)) and _cell_text(cell) == ""):
            continue
        try:
            if name in NORMALIZERS:
                values[name] = NORMALIZERS[name](_cell_text(cell))
            elif name == "next_followup_date":
                values[name] = _parse_date(cell)
            elif name in _CHOICES:
                values[name] = _parse_choice(_CHOICES[name], cell)
            else:
                values[name] = _cell_text(cell)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return values


def _errors_of(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(name, message) for name, messages in exc.message_dict.items() for message in messages]
    return [("", message) for message in exc.messages]


def _json_value(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _match_key(values: dict) -> tuple[str, str] | None:
    for name in MATCH_FIELDS:
        if values.get(name):
            return name, values[name]
    return None


def _candidates(organization_id: int, parsed: list) -> dict:
    """The organization's leads any row could match, locked, indexed by identity."""
    wanted = {name: set() for name in MATCH_FIELDS}
    for _number, values, key, _raw in parsed:
        wanted[key[0]].add(key[1])
    condition = models.Q()
    for name, found in wanted.items():
        if found:
            condition |= models.Q(**{f"{name}__in": found})
    index = {name: {} for name in MATCH_FIELDS}
    if not condition:
        return index
    leads = (
        Lead.objects.filter(organization_id=organization_id)
        .filter(condition)
        .select_related("branch")
        .select_for_update(of=("self",))
        .order_by("id")
    )
    for lead in leads:
        for name in MATCH_FIELDS:
            value = getattr(lead, name)
            if value in wanted[name]:
                index[name].setdefault(value, []).append(lead)
    return index


@transaction.atomic
def leads_import_rows(
    *, branch, mode: str, rows: list[tuple[int, dict]], actor, change_reason: str = "Imported"
) -> list[RowOutcome]:
    """Create or update leads of `branch`'s organization from `rows` ([(row number, {column: cell})]).

    `create` skips rows matching an existing lead, `update` skips rows matching none, `upsert` does
    both. A row fails (with its field and message) when a rule refuses it; the others are written.
    The rows are written as `actor` and judged through their scope: a new lead's `branch` must be one
    of theirs (else the row fails on `branch`, as `lead_create` would refuse it), and rows matching a
    lead of a branch `actor` cannot see fail naming only that branch. Each such
    answer (and each duplicate hint naming such a branch) spends one of the user's `search` throttle
    allowance; once it is spent, every later row fails as withheld (WITHHELD_MESSAGE) and later hints
    name no branch, until the throttle's window ends.
    Unchanged matched rows are skipped, so importing the same file again writes nothing.
    """
    outcomes: dict[int, RowOutcome] = {}
    parsed = []
    for number, raw in rows:
        try:
            values = parse_row(raw)
        except ValidationError as exc:
            outcomes[number] = RowOutcome(number, RowAction.FAILED, errors=_errors_of(exc))
            continue
        key = _match_key(values)
        if key is None:
            outcomes[number] = RowOutcome(
                number,
                RowAction.FAILED,
                errors=[("contact_number", "Give a passport number, CNIC or contact number.")],
            )
            continue
        parsed.append((number, values, key, raw))

    index = _candidates(branch.organization_id, parsed)
    sees_all = user_sees_everything(actor)
    visible = set() if sees_all else set(visible_branch_ids(actor))
    # Once the user's search allowance is spent, every later row is withheld (not only those that
    # meet a hidden lead: which rows fail would tell), until the window ends.
    budget = None if sees_all else UserScopeBudget(actor, EXISTENCE_SCOPE)
    withheld = budget is not None and budget.stopped()
    first_row_of_key: dict = {}
    row_of_lead: dict = {}
    to_create: list[tuple[RowOutcome, Lead, dict]] = []
    to_update: list[tuple[RowOutcome, Lead, dict]] = []
    now = timezone.now()
    for number, values, key, raw in parsed:
        outcome = outcomes[number] = RowOutcome(number, RowAction.FAILED)
        key_field = key[0]
        if withheld:
            outcome.errors.append((key_field, WITHHELD_MESSAGE))
            continue
        if key in first_row_of_key:
            outcome.errors.append((key_field, f"Repeats row {first_row_of_key[key]} of this file."))
            continue
        first_row_of_key[key] = number
        matches = index[key_field].get(key[1], [])
        if not sees_all and any(match.branch_id not in visible for match in matches):
            if not budget.spend():
                withheld = True
                budget.stop()
                outcome.errors.append((key_field, WITHHELD_MESSAGE))
                continue
            if budget.last_unit:
                withheld = True  # this row is answered; the rest are not
                budget.stop()
        if len(matches) > 1:
            outcome.errors.append(
                (key_field, f"Matches {len(matches)} leads of the organization; add the passport number to choose one.")
            )
            continue
        match = matches[0] if matches else None
        if match is not None and not (sees_all or match.branch_id in visible):
            outcome.errors.append((key_field, f"Matches a lead of another branch ({match.branch.name})."))
            continue
        if match is None:
            if mode == ImportMode.UPDATE:
                outcome.action = RowAction.SKIPPED
                continue
            _prepare_create(outcome, branch, values, actor, to_create)
        else:
            if mode == ImportMode.CREATE:
                outcome.action = RowAction.SKIPPED
                continue
            if match.pk in row_of_lead:
                outcome.errors.append((key_field, f"Matches the same lead as row {row_of_lead[match.pk]}."))
                continue
            row_of_lead[match.pk] = number
            _prepare_update(outcome, match, values, now, to_update)

    leads_set_first_contact_due([lead for _outcome, lead, _values in to_create], now=now)
    _write_creates(to_create, actor, change_reason)
    _write_updates(to_update, actor, change_reason)
    for outcome, lead, values in [*to_create, *to_update]:
        if outcome.action == RowAction.FAILED or not values.get(FOLLOWUP_REMARKS):
            continue
        followup = followup_record(
            lead=lead,
            remarks=values[FOLLOWUP_REMARKS],
            next_followup_date=lead.next_followup_date,
            actor=actor,
            allow_historical_dates=True,  # a register of old calls carries past dates
        )
        outcome.followup_id = followup.pk
        outcome.lead = followup.lead
    created = [outcome.lead for outcome, _lead, _values in to_create if outcome.action == RowAction.CREATED]
    hints = duplicate_hints(user=actor, leads=created)
    for outcome, _lead, _values in to_create:
        hint = hints.get(outcome.lead.pk) if outcome.action == RowAction.CREATED else None
        if hint and hint.known_at_branches and budget is not None:
            if withheld or not budget.spend():
                hint.known_at_branches = []  # withheld: the row is created either way
                withheld = True
                budget.stop()
            elif budget.last_unit:
                withheld = True
                budget.stop()
        if hint:
            outcome.hints = hint
    return [outcomes[number] for number, _raw in rows]


def _prepare_create(outcome, branch, values, actor, to_create) -> None:
    missing = [name for name in ("customer_name", "contact_number") if not values.get(name)]
    if missing:
        outcome.errors.extend((name, "This column is required to create a lead.") for name in missing)
        return
    lead = Lead(
        branch=branch,
        organization_id=branch.organization_id,
        created_by=actor,
        **{name: value for name, value in values.items() if name in LEAD_COLUMNS},
    )
    try:
        lead_check_status_change(lead.lead_status)
        lead_check_fields(lead, allow_historical_dates=True, actor=actor, identity_normalized=True)
    except ValidationError as exc:
        outcome.errors.extend(_errors_of(exc))
        return
    outcome.action = RowAction.CREATED
    outcome.lead = lead
    to_create.append((outcome, lead, values))


def _prepare_update(outcome, lead, values, now, to_update) -> None:
    changes = {
        name: value for name, value in values.items() if name in LEAD_COLUMNS and getattr(lead, name) != value
    }
    if not changes and not values.get(FOLLOWUP_REMARKS):
        outcome.action = RowAction.SKIPPED
        outcome.lead = lead
        return
    new_status = changes.get("lead_status")
    if new_status is not None:
        try:
            lead_check_status_change(new_status, lead=lead)
        except StateConflict as exc:
            outcome.errors.append(("lead_status", str(exc.detail)))
            return
        except ValidationError as exc:
            outcome.errors.extend(_errors_of(exc))
            return
    touched = set(changes) | (set(FOLLOWUP_TOUCHED_FIELDS) if values.get(FOLLOWUP_REMARKS) else set())
    previous = {name: _json_value(getattr(lead, name)) for name in sorted(touched)}
    for name, value in changes.items():
        setattr(lead, name, value)
    try:
        # Only the changed fields' rules: an old lead's untouched values are not judged again.
        lead_check_fields(lead, allow_historical_dates=True, identity_normalized=True, changed=set(changes))
    except ValidationError as exc:
        for name, old in previous.items():
            setattr(lead, name, Lead._meta.get_field(name).to_python(old))
        outcome.errors.extend(_errors_of(exc))
        return
    lead.updated_at = now
    lead._import_changed = set(changes)
    outcome.action = RowAction.UPDATED
    outcome.lead = lead
    outcome.previous = previous
    to_update.append((outcome, lead, values))


def _write_creates(to_create, actor, change_reason) -> None:
    if not to_create:
        return
    leads = [lead for _outcome, lead, _values in to_create]
    # The branch's rule gives the new leads their assignees (one cursor step for the batch), told after the commit.
    assigned = leads_auto_assign(branch=leads[0].branch, leads=leads)
    try:
        with transaction.atomic():
            saved = bulk_create_with_history(
                leads, Lead, batch_size=1000, default_user=actor, default_change_reason=change_reason
            )
        for (outcome, _lead, _values), lead in zip(to_create, saved):
            outcome.lead = lead
        notify_assigned(assigned, actor=actor)
        return
    except IntegrityError:
        pass  # a lead with one of these passports was created meanwhile: find it row by row
    for outcome, lead, _values in to_create:
        lead.pk = None
        try:
            with transaction.atomic():
                lead._change_reason = change_reason
                lead._history_user = actor
                lead.save()
        except IntegrityError:
            outcome.action = RowAction.FAILED
            outcome.lead = None
            outcome.errors.append(("passport_number", DUPLICATE_PASSPORT_MESSAGE))
    notify_assigned([lead for lead in assigned if lead.pk is not None], actor=actor)


def _write_updates(to_update, actor, change_reason) -> None:
    if not to_update:
        return
    fields = set().union(*(lead._import_changed for _outcome, lead, _values in to_update))
    leads = [lead for _outcome, lead, _values in to_update]
    bulk_update_with_history(
        leads,
        Lead,
        [*sorted(fields), "updated_at"],
        batch_size=1000,
        default_user=actor,
        default_change_reason=change_reason,
    )
