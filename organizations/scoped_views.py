"""What every branch-scoped API endpoint shares (leads, bookings, transfers, and the apps above them):
who may call it, and how its rows are scoped."""

from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView

from common.api.throttling import OneRoundTripThrottlesMixin
from organizations.permissions import IsBranchUser


class BranchScopedAPIView(OneRoundTripThrottlesMixin, GenericAPIView):
    """A branch-scoped endpoint: members only (IsBranchUser); rows come from `scoped_queryset(user=...)`;
    its rates counted in one cache round trip (a search has two).

    Subclasses set `scoped_queryset = staticmethod(<selector>)`; objects named on the path are
    looked up in it, so a row of another branch answers 404 exactly like a missing one.
    """

    permission_classes = [IsBranchUser]
    filter_backends: list = []
    scoped_queryset = None

    def get_queryset(self):
        return self.scoped_queryset(user=self.request.user)

    def get_scoped_object(self, pk: int):
        # One message for "missing" and "another branch's": the answer must not tell them apart.
        # No ORDER BY (first() would add one): the primary key names one row at most.
        found = list(self.get_queryset().filter(pk=pk).order_by()[:1])
        if not found:
            raise NotFound()
        return found[0]

    # The browsable API (a browser opening an API URL) builds its form from these two; the views
    # themselves parse and render with their own input and output serializers. A view that takes a
    # body sets `serializer_class` to its input serializer; one without a body gets an empty form.
    def get_serializer_class(self):
        return self.serializer_class or serializers.Serializer

    def get_serializer(self, *args, **kwargs):
        # Unbound: the raw-data form shows the operation's fields (as JSON) with their initial values.
        return self.get_serializer_class()(context=self.get_serializer_context())
