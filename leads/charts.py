"""What the dashboard's charts draw (`/dashboard/`): the summary report and the loan book's aging, shaped
into the labels and series Chart.js takes. The view parses the query, calls these, and renders."""

from leads.loan_book import AgingReport
from leads.selectors import lost_reasons_visible


def dashboard_charts(*, user, report: dict, aging: AgingReport | None) -> dict:
    """The funnel, follow-up compliance, aging, lost-reason and weekly charts of `report` (`summary_report`)
    and `aging` (`loan_aging`, None when the caller's branches keep different currencies); lost
    reasons labelled from the catalogues `user` sees."""
    labels = {}
    for reason in lost_reasons_visible(user=user):
        labels.setdefault(reason.code, reason.label)
    total = report["total"]
    charts = {
        "funnel": {
            "labels": ["Created", "Contacted", "Converted"],
            "values": [total["leads"], total["leads"] - total["never_contacted"], total["converted"]],
        },
        "compliance": {
            "labels": [row["branch_name"] for row in report["branches"]],
            "done": [row["followups_done_on_time"] for row in report["branches"]],
            "missed": [row["followups_due"] - row["followups_done_on_time"] for row in report["branches"]],
        },
        "aging": {
            "labels": [f"{bucket.label} days late" for bucket in aging.buckets] if aging else [],
            "amounts": [str(bucket.amount) for bucket in aging.buckets] if aging else [],
            "counts": [bucket.count for bucket in aging.buckets] if aging else [],
            "currency": aging.currency if aging else "",
        },
        "lost": {
            "codes": list(total["lost_by_reason"]),
            "labels": [labels.get(code, code) for code in total["lost_by_reason"]],
            "values": list(total["lost_by_reason"].values()),
        },
        "weekly": {
            "labels": [week["week"].isoformat() for week in total["new_per_week"]],
            "values": [week["leads"] for week in total["new_per_week"]],
        },
    }
    return charts
