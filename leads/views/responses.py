"""The answer lead writes share (no view here): the lead as the detail endpoint shows it, re-read inside
the write's transaction. Views of the leads package import it; no view module imports another."""

from django.db import transaction
from rest_framework import status
from rest_framework.response import Response

from leads.loan_book import lead_for_detail
from leads.serializers import LeadDetailOutputSerializer


def write_and_show(request, write, status_code=status.HTTP_200_OK) -> Response:
    """Run `write` (a service call returning the lead) and answer the lead as the detail endpoint shows it.

    The re-read happens in the write's transaction, while the service's lock on the row holds, so a
    concurrent move cannot take the lead out of the caller's scope between the two.
    """
    with transaction.atomic():
        return lead_detail_response(request, write(), status_code)


def lead_detail_response(request, lead, status_code=status.HTTP_200_OK) -> Response:
    """The lead as the detail endpoint shows it, re-read with its recent follow-ups and commitments
    (inside the writer's transaction: see `write_and_show`)."""
    return Response(LeadDetailOutputSerializer(lead_for_detail(user=request.user, pk=lead.pk)).data, status=status_code)
