"""Views of the leads API, one module per resource."""

from leads.views.followups import FollowUpCreateView, LeadFollowUpListView
from leads.views.leads import (
    FollowUpTodayView,
    LeadConvertView,
    LeadCreateView,
    LeadDetailView,
    LeadListView,
    LeadLostView,
    LeadSearchView,
    LeadUpdateView,
)
from leads.views.reports import LostReasonListView, SummaryReportView
from leads.views.loans import (
    AgingReportView,
    LeadLoanCommitmentListView,
    LoanPaymentListCreateView,
    LoanPromiseRescheduleView,
    LoanPromiseCancelView,
    LoanPromiseClearView,
    LoanPromiseView,
    OverdueLoanListView,
)

__all__ = [
    "AgingReportView",
    "LoanPaymentListCreateView",
    "LoanPromiseRescheduleView",
    "FollowUpCreateView",
    "FollowUpTodayView",
    "LeadConvertView",
    "LeadCreateView",
    "LeadDetailView",
    "LeadFollowUpListView",
    "LeadListView",
    "LeadLoanCommitmentListView",
    "LeadLostView",
    "LeadSearchView",
    "LeadUpdateView",
    "LoanPromiseCancelView",
    "LoanPromiseClearView",
    "LoanPromiseView",
    "LostReasonListView",
    "OverdueLoanListView",
    "SummaryReportView",
]
