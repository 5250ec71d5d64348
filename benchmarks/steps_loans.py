"""The loan book's benchmark steps: the aging report (biggest branch, whole organization), the lead list
with its money fields and `has_overdue_promise`, and recording a payment.

Called from `steps.measure_all` with the same runner (the branch user of A01, the biggest branch) and
`--only` words; the organization-wide report runs as the organization's admin with a token of its own.
Payments the benchmark records are 0.01 each on open commitments of A01 and are taken back afterwards
(`cleanup_loan_book_writes`), so every run starts from the seeded balances.
"""

from urllib.parse import urlencode

from django.db.models import F, Sum

from benchmarks.measure import PAGE_SIZE, Case, Runner
from benchmarks.tokens import bench_token
from leads.models import OPEN_LOAN_STATUSES, LoanCommitment, LoanPayment

BENCH_ORG_ADMIN = "bench_admin_a"
BENCH_PAYMENT_REFERENCE = "benchmark-payment"
PAYMENT_AMOUNT = "0.01"


def _wanted(case: Case, only: str | None) -> bool:
    if not only:
        return True
    words = [word.strip().lower() for word in only.split(",") if word.strip()]
    return any(word in case.name.lower() for word in words)


def branch_cases(workload) -> list[Case]:
    """Cases run as the branch user of the biggest branch."""
    open_ids = list(
        LoanCommitment.objects.unscoped()
        .filter(branch_id=workload.branch_id, status__in=OPEN_LOAN_STATUSES, amount__gte=F("paid_amount") + 1)
        .order_by("id")
        .values_list("id", flat=True)[:500]
    )

    overdue_leads = (
        LoanCommitment.objects.unscoped()
        .filter(branch_id=workload.branch_id, status__in=OPEN_LOAN_STATUSES, promised_clear_date__lt=workload.today)
        .values("lead_id")
        .distinct()
        .count()
    )
    pages = max(1, min(5, -(-overdue_leads // PAGE_SIZE)))  # the first pages, never past the last

    def overdue_list(i):
        params = {"branch_id": workload.branch_id, "has_overdue_promise": "true", "page": 1 + i % pages, "page_size": PAGE_SIZE}
        return f"/api/leads/list/?{urlencode(params)}", None

    def pay(i):
        return f"/api/leads/loan-promise/{open_ids[i % len(open_ids)]}/payments/", {
            "amount": PAYMENT_AMOUNT, "method": "cash", "reference": BENCH_PAYMENT_REFERENCE,
        }

    return [
        Case(
            "aging report (branch A01)", "get",
            lambda i: (f"/api/leads/reports/aging/?branch_id={workload.branch_id}", None), 200, target_p50_ms=50,
        ),
        Case("list has_overdue_promise (50/page)", "get", overdue_list, 200, target_p50_ms=25),
        Case("record payment", "post", pay, 201),
    ]


def organization_cases() -> list[Case]:
    return [Case("aging report (organization)", "get", lambda i: ("/api/leads/reports/aging/", None), 200, target_p50_ms=150)]


def measure_loan_book(*, runner: Runner, workload, args, log) -> list[dict]:
    """Time the loan book's cases (those `--only` selects); rows in the runner's report format."""
    results = [runner.run(case).as_dict() for case in branch_cases(workload) if _wanted(case, args.only)]
    cases = [case for case in organization_cases() if _wanted(case, args.only)]
    if cases:
        with bench_token(BENCH_ORG_ADMIN) as (_admin, token):
            org_runner = Runner(token=token, workload=workload, requests=args.requests, log=log)
            results += [org_runner.run(case).as_dict() for case in cases]
    return results


def cleanup_loan_book_writes() -> None:
    """Take back the benchmark's payments: the commitments' paid_amount and status as seeded."""
    payments = LoanPayment.objects.unscoped().filter(reference=BENCH_PAYMENT_REFERENCE)
    per_commitment = payments.values("commitment_id").annotate(total=Sum("amount"))
    for row in per_commitment:
        LoanCommitment.objects.unscoped().filter(pk=row["commitment_id"]).update(
            paid_amount=F("paid_amount") - row["total"]
        )
    LoanPayment.history.filter(reference=BENCH_PAYMENT_REFERENCE).delete()
    payments.delete()
