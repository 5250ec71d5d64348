"""The benchmark's output: the machine and versions, a console table, and the JSON file."""

import json
import os
import platform
from pathlib import Path

TARGET_RATIO = 2.0


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "platform": platform.platform()}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kib = int(next(line.split()[1] for line in meminfo.splitlines() if line.startswith("MemTotal:")))
        info["memory_gib"] = round(kib / 1024 / 1024, 1)
    except (OSError, StopIteration, ValueError):
        info["memory_gib"] = None
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu_model"] = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), None
        )
    except OSError:
        info["cpu_model"] = platform.processor() or None
    try:
        info["load_average"] = [round(value, 2) for value in os.getloadavg()]
    except OSError:
        info["load_average"] = None
    return info


def versions() -> dict:
    import django
    import rest_framework
    from django.db import connection

    found = {"python": platform.python_version(), "django": django.get_version(), "djangorestframework": rest_framework.VERSION}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            found["postgresql"] = cursor.fetchone()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            found["sqlite"] = cursor.fetchone()[0]
    return found


def _fmt(value, digits=2, suffix=""):
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


def _queries(counts: list) -> str:
    if not counts:
        return "-"
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


def request_verdict(row: dict) -> str:
    """'met', or what was missed: the p50 target, the 2× bare-twin ratio, a constant query count, errors."""
    missed = []
    if row["target_p50_ms"] is not None and row["p50_ms"] > row["target_p50_ms"]:
        missed.append("p50")
    if row["ratio_p50"] is not None and row["ratio_p50"] > TARGET_RATIO:
        missed.append("ratio")
    if len(row["queries"]) > 1:
        missed.append("queries")
    if row["errors"]:
        missed.append("errors")
    return "met" if not missed else "MISSED " + ",".join(missed)


def table(report: dict) -> str:
    lines = []
    database = report["database"]
    lines.append(
        f"{database['vendor']} {database.get('server_version', '')} · {database['leads']:,} leads, "
        f"{database['followups']:,} follow-ups, {database['commitments']:,} commitments · "
        f"{report['machine']['nproc']} CPUs, {report['machine']['memory_gib']} GiB · "
        f"{report['settings']['requests']} requests per endpoint"
    )
    header = f"{'endpoint':<30} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'sql ms':>7} {'bare p50':>9} {'bare p95':>9} {'ratio':>6} {'target p50':>10}  verdict"
    lines += [header, "-" * len(header)]
    for row in report["requests"]:
        lines.append(
            f"{row['name']:<30} {_fmt(row['p50_ms']):>8} {_fmt(row['p95_ms']):>8} {_queries(row['queries']):>7} "
            f"{_fmt(row.get('sql_ms')):>7} "
            f"{_fmt(row['bare_p50_ms']):>9} {_fmt(row['bare_p95_ms']):>9} {_fmt(row['ratio_p50'], 2, 'x'):>6} "
            f"{_fmt(row['target_p50_ms'], 0, ' ms'):>10}  {request_verdict(row)}"
        )
    by_size = report.get("list_queries_by_page_size")
    if by_size:
        lines.append(f"list queries by page size: {by_size}")
    job = report.get("mark_overdue_loans")
    if job:
        lines.append("")
        lines.append(
            f"mark_overdue_loans over {job['commitments']:,} commitments: marked {job['marked']:,} in "
            f"{job['seconds']:.2f} s with {job['queries']} queries; again (nothing to do) {job['rerun_seconds']:.2f} s "
            f"with {job['rerun_queries']} queries; target ≤ 3 s: {'met' if job['seconds'] <= 3 else 'MISSED'}"
        )
    lines += http_lines(report.get("http", []))
    if report.get("sla"):
        from benchmarks import steps_sla

        lines += steps_sla.table_lines(report["sla"])
    if report.get("intake"):
        from benchmarks import steps_intake

        lines += steps_intake.table_lines(report["intake"])
    if report.get("assign"):
        from benchmarks import steps_assign

        lines += steps_assign.table_lines(report["assign"])
    if report.get("transfers"):
        from benchmarks import steps_transfers

        lines += steps_transfers.table_lines(report["transfers"])
    if report.get("messaging"):
        from benchmarks import steps_messaging

        lines += steps_messaging.table_lines(report["messaging"])
    if report.get("webhooks"):
        from benchmarks import steps_webhooks

        lines += steps_webhooks.table_lines(report["webhooks"])
    if report.get("stages"):
        from benchmarks.stages import table as stage_table

        lines += ["", "stage breakdown, ms per request (in-process, timing hooks on; mean of the fastest 90%):", stage_table(report["stages"])]
    seed = report.get("seed")
    if seed:
        lines.append("")
        if seed.get("reused"):
            lines.append(f"data: reused the dataset seeded on {seed['seeded_on']}")
        else:
            lines.append(
                f"seeding: {seed['leads']:,} leads + {seed['followups']:,} follow-ups + {seed['commitments']:,} "
                f"commitments in {seed['seconds']:.1f} s, then {seed['maintenance']} in {seed['maintenance_seconds']:.1f} s"
            )
    return "\n".join(lines)


def write_json(report: dict, path: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, indent=2, default=str) + "\n")


def http_table(rows: list) -> list[str]:
    """Per read: p50 at the lowest connection count and req/s at the highest, API beside its twin."""
    by_read: dict = {}
    for row in rows:
        if "read" in row:
            by_read.setdefault(row["read"], {}).setdefault(row["kind"], {})[row["connections"]] = row
    if not by_read:
        return []
    lines = [
        "| read | API p50 | twin p50 | API req/s | twin req/s | API / twin throughput | errors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for read, kinds in by_read.items():
        api, twin = kinds.get("api", {}), kinds.get("twin", {})
        if not api or not twin:
            continue
        low, high = min(api), max(api)
        ratio = api[high]["requests_per_second"] / twin[high]["requests_per_second"] if twin[high]["requests_per_second"] else None
        lines.append(
            f"| {read} | {_fmt(api[low]['latency_p50_ms'])} ms | {_fmt(twin[low]['latency_p50_ms'])} ms | "
            f"{api[high]['requests_per_second']:,.0f} | {twin[high]['requests_per_second']:,.0f} | {_fmt(ratio)} | "
            f"{sum(r['errors'] for r in api.values())} |"
        )
    lines.append(f"(p50 with {low} connection(s), req/s with {high}; gunicorn sync workers, wrk)")
    return lines


def http_lines(rows: list) -> list[str]:
    lines = []
    for row in rows:
        if "skipped" in row:
            lines.append(f"HTTP: skipped ({row['skipped']})")
    table_lines = http_table(rows)
    if table_lines:
        lines += ["", "HTTP, each read beside its bare twin (same gunicorn, same run):", *table_lines]
    return lines
