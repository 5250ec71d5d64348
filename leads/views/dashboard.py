"""`/dashboard/`: now the branch desk's dashboard (`/desk/dashboard`); this address redirects there.

`dashboard_redirect` is what config/urls.py routes; the server-rendered page below (`dashboard`) is
no longer reachable and goes, with its template, static files and vendored Chart.js, in a commit of
its own. What it showed:
the summary report and the loan book's aging as charts, for signed-in members.

A server-rendered page on the admin's session sign-in (anonymous visitors go to the admin's login),
scoped exactly like the API: it reads `summary_report` and the loan book's `loan_aging` (the
aging report's numbers) for the signed-in user. The charts are drawn by Chart.js, vendored into the app's static files at build
time (`make vendor`); the page loads nothing from outside the service.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from leads.charts import dashboard_charts
from leads.loan_book import MixedCurrencies, loan_aging
from leads.report_queries import Period, summary_report
from leads.serializers.reports import SummaryQuerySerializer
from organizations.models import Branch, has_any_membership
from organizations.scoping import check_reaches_branch


@require_GET
def dashboard_redirect(request):
    """The old address opens the desk's dashboard, keeping the branch picked (the desk signs in itself)."""
    target = "/desk/dashboard"
    branch_id = request.GET.get("branch_id", "").strip()
    if branch_id.isdigit():
        target += f"?branch_id={branch_id}"
    return redirect(target)


@require_GET
def dashboard(request):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not has_any_membership(user):
        raise PermissionDenied("You are not a member of any branch or organization.")
    branches = list(Branch.objects.visible_to(user).order_by("organization_id", "code"))
    params = {key: value for key, value in request.GET.items() if value.strip()}
    query = SummaryQuerySerializer(data=params)
    errors, status = {}, 200
    if query.is_valid():
        period = query.validated_data["period"]
        branch_id = query.validated_data.get("branch_id")
        if branch_id is not None:
            try:
                check_reaches_branch(user, branch_id)
            except ValidationError as exc:
                errors, status, branch_id = exc.message_dict, 400, None
    else:
        errors, status = query.errors, 400
        period, branch_id = Period.ending(timezone.localdate()), None
    report = summary_report(user=user, period=period, branch_id=branch_id)
    try:
        aging = loan_aging(user=user, as_of=timezone.localdate(), branch_id=branch_id)
        aging_note = ""
    except MixedCurrencies as exc:
        aging, aging_note = None, " ".join(exc.messages)
    charts = dashboard_charts(user=user, report=report, aging=aging)
    list_filters = f"created_at_after={period.first_day}&created_at_before={period.last_day}"
    if branch_id is not None:
        list_filters += f"&branch_id={branch_id}"
    context = {
        # The admin's look without `each_context`'s app list (dozens of permission queries for a sidebar).
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "site_url": admin.site.site_url,
        "has_permission": True,
        "is_nav_sidebar_enabled": False,
        "available_apps": [],
        "title": "Dashboard",
        "branches": branches,
        "branch_id": branch_id,
        "period": period,
        "errors": errors,
        "total": report["total"],
        "rows": report["branches"],
        "aging_note": aging_note,
        "charts": charts,
        "list_url": f"{reverse('leads:list')}?{list_filters}",
    }
    return render(request, "leads/dashboard.html", context, status=status)
