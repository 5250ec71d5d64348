"""Every intake write: sources (create, update, revoke), enquiries (`intake_submit`), Meta Lead Ads.

Views, the admin, commands and tasks call these; callers import them from here.
"""

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
