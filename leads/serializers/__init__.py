"""Serializers of the leads API: an input and an output serializer per operation."""

from leads.serializers.followups import FollowUpCreateInputSerializer
from leads.serializers.leads import (
    FollowUpOutputSerializer,
    LeadConvertInputSerializer,
    LeadCreateInputSerializer,
    LeadCreateOutputSerializer,
    LeadDetailOutputSerializer,
    LeadListOutputSerializer,
    LeadLostInputSerializer,
    LeadSearchInputSerializer,
    LeadUpdateInputSerializer,
    LoanCommitmentOutputSerializer,
    LostReasonOutputSerializer,
)
from leads.serializers.loans import (
    AgingReportInputSerializer,
    AgingReportOutputSerializer,
    LoanPaymentInputSerializer,
    LoanPaymentOutputSerializer,
    LoanPromiseInputSerializer,
    LoanRescheduleInputSerializer,
    OverdueLoanOutputSerializer,
    OverdueLoansInputSerializer,
)

__all__ = [
    "AgingReportInputSerializer",
    "AgingReportOutputSerializer",
    "LoanPaymentInputSerializer",
    "LoanPaymentOutputSerializer",
    "LoanRescheduleInputSerializer",
    "FollowUpCreateInputSerializer",
    "FollowUpOutputSerializer",
    "LeadConvertInputSerializer",
    "LeadCreateInputSerializer",
    "LeadCreateOutputSerializer",
    "LeadDetailOutputSerializer",
    "LeadListOutputSerializer",
    "LeadLostInputSerializer",
    "LeadSearchInputSerializer",
    "LeadUpdateInputSerializer",
    "LoanCommitmentOutputSerializer",
    "LoanPromiseInputSerializer",
    "LostReasonOutputSerializer",
    "OverdueLoanOutputSerializer",
    "OverdueLoansInputSerializer",
]
