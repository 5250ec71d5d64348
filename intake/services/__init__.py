"""Every intake write: sources (create, update, revoke), enquiries (`intake_submit`), Meta Lead Ads.

Views, the admin, commands and tasks call these; callers import them from here.
"""

from intake.services.accept import (
    Accepted,
    intake_accept,
    intake_submission_give_up,
    intake_submission_process,
    intake_submissions_sweep,
)
from intake.services.meta import (
    meta_lead_fetch,
    meta_lead_give_up,
    meta_leads_backfill,
    meta_leads_record,
    meta_page_connect,
)
from intake.services.sources import (
    CreatedSource,
    intake_source_create,
    intake_source_revoke,
    intake_source_update,
)
from intake.services.submissions import Enquiry, IntakeOutcome, intake_submit

__all__ = [
    "Accepted",
    "intake_accept",
    "intake_submission_give_up",
    "intake_submission_process",
    "intake_submissions_sweep",
    "CreatedSource",
    "Enquiry",
    "IntakeOutcome",
    "intake_source_create",
    "intake_source_revoke",
    "intake_source_update",
    "intake_submit",
    "meta_lead_fetch",
    "meta_lead_give_up",
    "meta_leads_backfill",
    "meta_leads_record",
    "meta_page_connect",
]
