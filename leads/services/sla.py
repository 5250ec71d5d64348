"""The first-contact SLA of a new lead: when its first contact is due (docs/sla.md).

Only a lead created `new` awaits a first contact, so only it gets a due time: a lead created
already `contacted` or `interested` (staff typing in a call they just had) has none, nor has a
lead created `converted` by a booking. The due time is the organization's `first_contact_hours`
of working time (organizations/working_time.py) after the lead came in; every door that creates
a lead (`lead_create`: the API, the admin, intake and inbound messages; the import's row writer)
calls these.
"""

import logging
from datetime import datetime

from leads.models import Lead, LeadStatus
from organizations.business_time import NoWorkingTime
from organizations.working_time import FirstContactPolicy, first_contact_policy

logger = logging.getLogger("leads")


def _due(policy: FirstContactPolicy, *, organization_id: int, now: datetime) -> datetime | None:
    try:
        return policy.due_after(now)
    except NoWorkingTime:
        # The organization's calendar leaves no working time ahead: the lead goes without an SLA, loudly.
        logger.warning("Organization %s has no working time ahead; lead created without a first-contact SLA.",
                       organization_id, extra={"event": "sla.no_working_time", "organization_id": organization_id})
        return None


def first_contact_due_at(*, organization_id: int, lead_status: str, now: datetime) -> datetime | None:
    """When a lead created at `now` with `lead_status` must first be contacted (None: no SLA); one query."""
    if lead_status != LeadStatus.NEW:
        return None
    return _due(first_contact_policy(organization_id, now=now), organization_id=organization_id, now=now)


def leads_set_first_contact_due(leads: list[Lead], *, now: datetime) -> None:
    """Give each unsaved `new` lead its due time (in memory, before a bulk insert); one query per organization."""
    policies: dict[int, FirstContactPolicy] = {}
    for lead in leads:
        if lead.lead_status != LeadStatus.NEW:
            continue
        organization_id = lead.organization_id or lead.branch.organization_id
        if organization_id not in policies:
            policies[organization_id] = first_contact_policy(organization_id, now=now)
        lead.first_contact_due_at = _due(policies[organization_id], organization_id=organization_id, now=now)
