"""Meta Lead Ads: pages connected to intake sources, leadgen ids recorded once, leads fetched and taken in.

A webhook (or the backfill) records each leadgen id once (`MetaLead.leadgen_id` is unique) and, after
the commit, queues `intake.fetch_meta_lead`. The task claims the row (locked; a row already done,
failed or being worked by another worker is left alone), fetches the lead from the Graph API and
passes it through `intake_submit` with the page's source: the same intake as a web form, with the
leadgen, form, ad, ad set and campaign ids kept in the lead's `attribution`. A transient failure leaves
the row pending (attempts and the error recorded) for the task's retries; a permanent one, or the
last retry, marks it failed with the reason. `meta_leads_backfill` pages through each connected page's
forms' leads and takes in any leadgen id not stored yet.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import OutOfScope
from intake import graph
from intake.models import IntakeSource, MetaLead, MetaLeadReceivedVia, MetaLeadStatus, MetaPage
from intake.services.sources import administers_organization
from intake.services.submissions import Enquiry, intake_submit
from leads.models import LeadSource

logger = logging.getLogger("leads.intake")

GRAPH_ID = re.compile(r"^[0-9]{1,32}$")
ATTRIBUTION_KEYS = ("leadgen_id", "page_id", "form_id", "ad_id", "adgroup_id", "campaign_id")
# Lead Ads form questions → enquiry fields (Meta's standard names first, then common custom ones).
NAME_FIELDS = ("full_name", "name")
PHONE_FIELDS = ("phone_number", "phone", "mobile_number", "whatsapp_number")
FIELD_MAP = {
    "city": "area", "area": "area",
    "passport_number": "passport_number", "passport": "passport_number",
    "cnic": "cnic", "national_id": "cnic",
}
CONSENT_FIELDS = ("messaging_consent", "whatsapp_consent")
YES = {"true", "yes", "1", "on", "y"}
# A lead pending this long is no longer in a worker's hands: the backfill queues it again.
STALE_PENDING = timedelta(minutes=30)


def _graph_id(value) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return text if GRAPH_ID.match(text) else ""


@transaction.atomic
def meta_page_connect(*, actor, source: IntakeSource, page_id: str, access_token: str, name: str = "") -> MetaPage:
    """Connect a Facebook page to `source` (its branch and lead source), or update its token and source.

    `actor` must administer the source's organization (`actor=None`: operations); a page already
    connected to another organization is a 400 on `page_id`.
    """
    if actor is not None and not administers_organization(actor, source.organization_id):
        raise OutOfScope()
    page_id = _graph_id(page_id)
    if not page_id:
        raise ValidationError({"page_id": ["A page id is digits only."]})
    if not (access_token or "").strip():
        raise ValidationError({"access_token": ["This field may not be blank."]})
    if not source.is_active:
        raise ValidationError({"source": ["This intake source is revoked."]})
    page = MetaPage.objects.select_for_update().filter(page_id=page_id).first()
    if page is not None and page.organization_id != source.organization_id:
        raise ValidationError({"page_id": ["This page is connected to another organization."]})
    page = page or MetaPage(page_id=page_id, created_by=actor)
    page.source, page.access_token, page.name = source, access_token.strip(), name or page.name
    page.save()
    return page


@dataclass
class Recorded:
    new: list[MetaLead] = field(default_factory=list)
    repeated: int = 0
    unknown_page: int = 0
    invalid: int = 0


def _record_one(value: dict, *, received_via: str, recorded: Recorded, pages: dict) -> MetaLead | None:
    leadgen_id, page_id = _graph_id(value.get("leadgen_id")), _graph_id(value.get("page_id"))
    if not leadgen_id or not page_id:
        recorded.invalid += 1
        return None
    if page_id not in pages:
        pages[page_id] = MetaPage.objects.select_related("source").filter(page_id=page_id).first()
    page = pages[page_id]
    if page is None:
        recorded.unknown_page += 1
        logger.warning("Meta leadgen for page %s, which no intake source is connected to: ignored.", page_id,
                       extra={"event": "meta.unknown_page", "page_id": page_id})
        return None
    try:
        with transaction.atomic():
            meta_lead, created = MetaLead.objects.get_or_create(
                leadgen_id=leadgen_id,
                defaults={
                    "meta_page": page, "page_id": page_id, "received_via": received_via,
                    "form_id": _graph_id(value.get("form_id")), "ad_id": _graph_id(value.get("ad_id")),
                    "adgroup_id": _graph_id(value.get("adgroup_id") or value.get("adset_id")),
                    "campaign_id": _graph_id(value.get("campaign_id")),
                },
            )
    except IntegrityError:  # another delivery of the same id committed first
        created = False
    if not created:
        recorded.repeated += 1
        return None
    recorded.new.append(meta_lead)
    return meta_lead


def meta_leads_record(*, values: list[dict], received_via: str = MetaLeadReceivedVia.WEBHOOK) -> Recorded:
    """Record each leadgen change once (by leadgen id) and queue its fetch after the commit; ids already
    stored, pages no source is connected to (logged) and values without ids are counted and skipped."""
    from intake.tasks import fetch_meta_lead

    recorded, pages = Recorded(), {}
    with transaction.atomic():
        for value in values:
            meta_lead = _record_one(value, received_via=received_via, recorded=recorded, pages=pages)
            if meta_lead is not None:
                transaction.on_commit(lambda pk=meta_lead.pk: fetch_meta_lead.delay(pk), robust=True)
    return recorded


def _answers(data: dict) -> dict[str, str]:
    answers = {}
    for item in data.get("field_data") or []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            values = item.get("values")
            values = values if isinstance(values, list) else []
            answers[item["name"].strip().lower()] = ", ".join(str(value) for value in values if value is not None)[:500]
    return answers


def enquiry_from_lead(data: dict, meta_lead: MetaLead) -> Enquiry:
    """A Graph lead's answers as an enquiry: name, phone, city, passport, CNIC; the rest (email, custom
    questions) in the remarks; the ids in `attribution`. No name or phone: a ValidationError naming it."""
    answers = _answers(data)
    name = next((answers[key] for key in NAME_FIELDS if answers.get(key)), "")
    if not name:
        name = " ".join(answers[key] for key in ("first_name", "last_name") if answers.get(key))
    phone = next((answers[key] for key in PHONE_FIELDS if answers.get(key)), "")
    if not name.strip():
        raise ValidationError({"customer_name": ["The Lead Ads form sent no name."]})
    if not phone.strip():
        raise ValidationError({"contact_number": ["The Lead Ads form sent no phone number."]})
    enquiry = Enquiry(customer_name=name.strip()[:200], contact_number=phone)
    used = {*NAME_FIELDS, *PHONE_FIELDS, "first_name", "last_name", *CONSENT_FIELDS}
    for key, target in FIELD_MAP.items():
        if answers.get(key) and not getattr(enquiry, target):
            setattr(enquiry, target, answers[key][:100] if target == "area" else answers[key])
            used.add(key)
    consent = next((answers[key] for key in CONSENT_FIELDS if key in answers), None)
    enquiry.messaging_consent = None if consent is None else consent.strip().lower() in YES
    rest = [f"{key}: {value}" for key, value in answers.items() if key not in used and value]
    enquiry.remarks = "\n".join(["Meta Lead Ads", *rest])[:5000]
    for key, graph_key in (("form_id", "form_id"), ("ad_id", "ad_id"), ("adgroup_id", "adset_id"),
                           ("campaign_id", "campaign_id")):
        if not getattr(meta_lead, key) and _graph_id(data.get(graph_key)):
            setattr(meta_lead, key, _graph_id(data.get(graph_key)))
    enquiry.attribution = {key: getattr(meta_lead, key) for key in ATTRIBUTION_KEYS if getattr(meta_lead, key)}
    if isinstance(data.get("platform"), str):
        enquiry.attribution["platform"] = data["platform"][:20]
    if isinstance(data.get("is_organic"), bool):
        enquiry.attribution["is_organic"] = data["is_organic"]
    return enquiry


def _take_in(meta_lead: MetaLead, data: dict) -> None:
    """Pass a fetched lead through the intake (a savepoint: a refused enquiry marks the row failed, no lead)."""
    try:
        with transaction.atomic():
            enquiry = enquiry_from_lead(data, meta_lead)
            outcome = intake_submit(source=meta_lead.meta_page.source, enquiry=enquiry, lead_source=LeadSource.META_ADS)
    except ValidationError as exc:
        reasons = exc.message_dict if hasattr(exc, "error_dict") else {"lead": exc.messages}
        meta_lead.status = MetaLeadStatus.FAILED
        meta_lead.error = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in reasons.items())[:1000]
        return
    meta_lead.status, meta_lead.lead, meta_lead.error = MetaLeadStatus.DONE, outcome.lead, ""
    meta_lead.fetched_at = timezone.now()


def meta_lead_fetch(*, meta_lead_id: int) -> MetaLead | None:
    """Fetch a recorded lead and take it in, once: the row is claimed (locked, pending only), so a redelivered
    task or a second worker does nothing. A transient Graph failure is re-raised (`GraphError`, for the
    task's retry) after the attempt and its error are saved; a permanent one marks the row failed."""
    failure = None
    with transaction.atomic():
        meta_lead = (
            MetaLead.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("meta_page__source__branch")
            .filter(pk=meta_lead_id, status=MetaLeadStatus.PENDING)
            .first()
        )
        if meta_lead is None:
            return None
        meta_lead.attempts += 1
        page = meta_lead.meta_page
        if page is None or not page.source.is_active:
            meta_lead.status = MetaLeadStatus.FAILED
            meta_lead.error = "The page is no longer connected to an active intake source."
        else:
            try:
                data = graph.get_lead(meta_lead.leadgen_id, access_token=page.access_token)
            except graph.GraphError as exc:
                meta_lead.error = str(exc)[:1000]
                if exc.transient:
                    failure = exc
                else:
                    meta_lead.status = MetaLeadStatus.FAILED
            else:
                _take_in(meta_lead, data)
        meta_lead.save()
    if meta_lead.status == MetaLeadStatus.FAILED:
        logger.warning("Meta lead %s failed: %s", meta_lead.pk, meta_lead.error,
                       extra={"event": "meta.failed", "meta_lead_id": meta_lead.pk})
    if failure is not None:
        raise failure
    return meta_lead


def meta_lead_give_up(*, meta_lead_id: int, reason: str) -> None:
    """Mark a still pending lead failed (its retries are spent), keeping the last error as the reason."""
    MetaLead.objects.filter(pk=meta_lead_id, status=MetaLeadStatus.PENDING).update(
        status=MetaLeadStatus.FAILED, error=f"Gave up after retries: {reason}"[:1000], updated_at=timezone.now()
    )
    logger.warning("Meta lead %s: gave up after retries.", meta_lead_id,
                   extra={"event": "meta.gave_up", "meta_lead_id": meta_lead_id})


@dataclass
class BackfillResult:
    pages: int = 0
    forms: int = 0
    seen: int = 0
    taken_in: int = 0
    failed: int = 0
    requeued: int = 0
    errors: list[str] = field(default_factory=list)


def meta_leads_backfill(*, since: datetime | None = None) -> BackfillResult:
    """For every connected page: each of its forms' leads (created after `since`, every page of the list) whose
    leadgen id is not stored yet is recorded (`backfill`) and taken in at once with the data the list gave.
    A page whose forms cannot be read is reported in `errors` and the others go on. Leads left pending for
    longer than `STALE_PENDING` (a worker lost, no broker) are queued again."""
    from intake.tasks import fetch_meta_lead

    result = BackfillResult()
    stale = MetaLead.objects.filter(status=MetaLeadStatus.PENDING, updated_at__lt=timezone.now() - STALE_PENDING)
    for pk in stale.values_list("pk", flat=True):
        fetch_meta_lead.delay(pk)
        result.requeued += 1
    for page in MetaPage.objects.select_related("source__branch").order_by("pk"):
        if not page.source.is_active:
            continue
        result.pages += 1
        try:
            forms = [form_id for form in graph.page_forms(page.page_id, access_token=page.access_token)
                     if (form_id := _graph_id(form.get("id")))]
            for form_id in forms:
                result.forms += 1
                for data in graph.form_leads(form_id, access_token=page.access_token, since=since):
                    result.seen += 1
                    _backfill_one(page, form_id, data, result)
        except graph.GraphError as exc:
            result.errors.append(f"page {page.page_id}: {exc}")
            continue
        MetaPage.objects.filter(pk=page.pk).update(backfilled_at=timezone.now())
    return result


def _backfill_one(page: MetaPage, form_id: str, data: dict, result: BackfillResult) -> None:
    leadgen_id = _graph_id(data.get("id"))
    if not leadgen_id or MetaLead.objects.filter(leadgen_id=leadgen_id).exists():
        return
    with transaction.atomic():
        recorded = Recorded()
        meta_lead = _record_one(
            {"leadgen_id": leadgen_id, "page_id": page.page_id, "form_id": form_id, "ad_id": data.get("ad_id"),
             "adset_id": data.get("adset_id"), "campaign_id": data.get("campaign_id")},
            received_via=MetaLeadReceivedVia.BACKFILL, recorded=recorded, pages={page.page_id: page},
        )
        if meta_lead is None:  # recorded by a webhook meanwhile
            return
        locked = (
            MetaLead.objects.select_for_update(of=("self",))
            .select_related("meta_page__source__branch")
            .get(pk=meta_lead.pk)
        )
        locked.attempts = 1
        _take_in(locked, data)
        locked.save()
    if locked.status == MetaLeadStatus.DONE:
        result.taken_in += 1
    else:
        result.failed += 1
