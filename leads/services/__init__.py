"""Every write to leads, follow-ups and loan commitments: the one place each business rule lives.

Each service takes keyword-only arguments, runs in one transaction, validates (raising Django's
`ValidationError` naming the field, or `StateConflict` for a forbidden state change), writes, and
returns the object. Views, admin, signals, commands and imports all call these. One module per resource;
every public service is re-exported here, and callers outside the package import it from here.
"""

from leads.services.assignment import (
    assignment_rule_of,
    assignment_rule_set,
    lead_auto_assign,
    leads_assign,
    leads_auto_assign,
    leads_reassign_open,
)
from leads.services.booking_leads import LeadService
from leads.services.followups import followup_record
from leads.services.leads import (
    DUPLICATE_PASSPORT_MESSAGE,
    LEAD_EDITABLE_FIELDS,
    lead_convert,
    lead_create,
    lead_mark_lost,
    lead_update,
)
from leads.services.lost_reasons import lost_reason_save, lost_reason_validate, lost_reasons_seed
from leads.services.merge import lead_merge
from leads.services.loans import (
    LOAN_EDITABLE_FIELDS,
    MARK_OVERDUE_CHANGE_REASON,
    RESCHEDULE_CHANGE_REASON,
    loan_commitment_cancel,
    loan_commitment_clear,
    loan_commitment_create,
    loan_commitment_reschedule,
    loan_commitment_update,
    loan_commitments_mark_overdue,
    refresh_next_promise_date,
)
from leads.services.payments import (
    PAYMENT_CHANGE_REASON,
    loan_payment_check_balance,
    loan_payment_check_input,
    loan_payment_record,
)
from leads.services.rollups import report_rollups_refresh

__all__ = [
    "DUPLICATE_PASSPORT_MESSAGE",
    "LEAD_EDITABLE_FIELDS",
    "LOAN_EDITABLE_FIELDS",
    "MARK_OVERDUE_CHANGE_REASON",
    "PAYMENT_CHANGE_REASON",
    "RESCHEDULE_CHANGE_REASON",
    "LeadService",
    "assignment_rule_of",
    "assignment_rule_set",
    "lead_auto_assign",
    "leads_assign",
    "leads_auto_assign",
    "leads_reassign_open",
    "followup_record",
    "lead_convert",
    "lead_create",
    "lead_mark_lost",
    "lead_merge",
    "lead_update",
    "loan_commitment_cancel",
    "loan_commitment_clear",
    "loan_commitment_create",
    "loan_commitment_reschedule",
    "loan_commitment_update",
    "loan_commitments_mark_overdue",
    "refresh_next_promise_date",
    "lost_reason_save",
    "lost_reason_validate",
    "lost_reasons_seed",
    "loan_payment_check_balance",
    "loan_payment_check_input",
    "loan_payment_record",
    "report_rollups_refresh",
]
