from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from booking.filters import BookingFilter
from booking.selectors import bookings_visible_to
from booking.serializers import BookingCreateInputSerializer, BookingOutputSerializer
from booking.services import booking_create
from leads.permissions import IsBranchUser

UNAUTHENTICATED = OpenApiResponse(description="Not signed in (no or an invalid token or session).")
NO_MEMBERSHIP = OpenApiResponse(description="Signed in but not a member of any branch or organization.")
THROTTLED = OpenApiResponse(description="Too many requests; retry after the `Retry-After` header's seconds.")


class BookingListCreateView(generics.ListAPIView):
    """Bookings of the caller's branches; creating one links or creates its customer's lead."""

    permission_classes = [IsBranchUser]
    serializer_class = BookingOutputSerializer
    filterset_class = BookingFilter

    def get_queryset(self):
        return bookings_visible_to(user=self.request.user).select_related("branch")

    @extend_schema(
        summary="List bookings",
        description="Bookings of the branches the caller may act on, newest first, paginated.",
        parameters=[OpenApiParameter("branch_id", int, description="Only bookings of this branch.")],
        responses={
            200: BookingOutputSerializer(many=True),
            400: OpenApiResponse(description="A malformed filter value, named in the body."),
            401: UNAUTHENTICATED,
            403: NO_MEMBERSHIP,
            429: THROTTLED,
        },
        tags=["bookings"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Create a booking",
        description=(
            "Creates a booking in one of the caller's branches. Passport, CNIC and contact number are "
            "normalised. Once it is saved, the customer's lead in the organization (same passport, else "
            "same contact number) is linked and converted, or a converted lead with `lead_source=booking` "
            "is created; `lead` in the response names it. A failure there never fails the booking."
        ),
        request=BookingCreateInputSerializer,
        responses={
            201: BookingOutputSerializer,
            400: OpenApiResponse(
                description="Invalid input, named by field: a branch outside the caller's scope, an identity "
                "value that cannot be normalised, a negative amount, or `paid_amount` above `total_amount`."
            ),
            401: UNAUTHENTICATED,
            403: NO_MEMBERSHIP,
            429: THROTTLED,
        },
        tags=["bookings"],
    )
    def post(self, request, *args, **kwargs):
        serializer = BookingCreateInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        booking = booking_create(**serializer.validated_data, created_by=request.user)
        # Read back through the selector: the lead was linked when the booking's transaction committed.
        booking = self.get_queryset().get(pk=booking.pk)
        return Response(BookingOutputSerializer(booking).data, status=status.HTTP_201_CREATED)
