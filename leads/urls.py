from django.urls import path

from leads import views
from leads.views.assignees import AssigneeListView
from leads.views.duplicates import DuplicateCheckView
from leads.views.followups import FollowUpMissedView
from leads.views.history import LeadHistoryView
from leads.views.merge import LeadMergeView
from leads.views.receipts import LoanPaymentReceiptView
from leads.views.team import (
    AssignmentRuleView,
    LeadAssignView,
    ManagedBranchListView,
    MemberDeactivateView,
    MemberDetailView,
    MemberListCreateView,
    TeamView,
)

app_name = "leads"

# Paths are the public contract (../shared/CONTRACT.md); tests pin them literally.
# Mounted at /api/leads/ (config/urls.py) beside transfers/urls.py, which holds imports/ and export/:
# transfers sits above leads, so this module never names it.
urlpatterns = [
    path("create/", views.LeadCreateView.as_view(), name="create"),
    path("list/", views.LeadListView.as_view(), name="list"),
    path("detail/<int:pk>/", views.LeadDetailView.as_view(), name="detail"),
    path("detail/<int:pk>/followups/", views.LeadFollowUpListView.as_view(), name="lead-followups"),
    path("detail/<int:pk>/loan-commitments/", views.LeadLoanCommitmentListView.as_view(), name="lead-loan-commitments"),
    path("update/<int:pk>/", views.LeadUpdateView.as_view(), name="update"),
    path("followup/", views.FollowUpCreateView.as_view(), name="followup"),
    path("followup/today/", views.FollowUpTodayView.as_view(), name="followup-today"),
    path("loan-promise/", views.LoanPromiseView.as_view(), name="loan-promise"),
    path("loan-promise/<int:pk>/clear/", views.LoanPromiseClearView.as_view(), name="loan-promise-clear"),
    path("loan-promise/<int:pk>/cancel/", views.LoanPromiseCancelView.as_view(), name="loan-promise-cancel"),
    path("loan-promise/<int:pk>/payments/", views.LoanPaymentListCreateView.as_view(), name="loan-payments"),
    path("loan-promise/<int:pk>/reschedule/", views.LoanPromiseRescheduleView.as_view(), name="loan-promise-reschedule"),
    path("reports/aging/", views.AgingReportView.as_view(), name="reports-aging"),
    path("search/", views.LeadSearchView.as_view(), name="search"),
    path("convert/<int:pk>/", views.LeadConvertView.as_view(), name="convert"),
    path("lost/<int:pk>/", views.LeadLostView.as_view(), name="lost"),
    path("overdue-loans/", views.OverdueLoanListView.as_view(), name="overdue-loans"),
    path("detail/<int:pk>/history/", LeadHistoryView.as_view(), name="history"),
    path("merge/", LeadMergeView.as_view(), name="merge"),
    path("lost-reasons/", views.LostReasonListView.as_view(), name="lost-reasons"),
    path("reports/summary/", views.SummaryReportView.as_view(), name="reports-summary"),
    # The branch desk's additions (CONTRACT.md, "The branch desk").
    path("followup/missed/", FollowUpMissedView.as_view(), name="followup-missed"),
    path("duplicates/", DuplicateCheckView.as_view(), name="duplicates"),
    path("assignees/", AssigneeListView.as_view(), name="assignees"),
    path(
        "loan-promise/<int:pk>/payments/<int:payment_id>/receipt/",
        LoanPaymentReceiptView.as_view(),
        name="loan-payment-receipt",
    ),
    # Managers' endpoints (CONTRACT.md, "Intake and assignment"): bulk assign, and per branch they manage
    # its assignment rule, its team's queues and its members.
    path("assign/", LeadAssignView.as_view(), name="assign"),
    path("branches/", ManagedBranchListView.as_view(), name="branches-managed"),
    path("branches/<int:branch_id>/assignment-rule/", AssignmentRuleView.as_view(), name="assignment-rule"),
    path("branches/<int:branch_id>/team/", TeamView.as_view(), name="team"),
    path("branches/<int:branch_id>/members/", MemberListCreateView.as_view(), name="members"),
    path("branches/<int:branch_id>/members/<int:user_id>/", MemberDetailView.as_view(), name="member"),
    path(
        "branches/<int:branch_id>/members/<int:user_id>/deactivate/",
        MemberDeactivateView.as_view(),
        name="member-deactivate",
    ),
]
