from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from booking.filters import BookingFilter
from booking.selectors import bookings_visible_to
from booking.serializers import BookingCreateInputSerializer, BookingOutputSerializer
from booking.services import booking_create
from common.api.schema import ACCESS_ERRORS, error_responses
from common.idempotency import IDEMPOTENCY_ERRORS, idempotency_parameter, idempotent_create
from organizations.scoped_views import BranchScopedAPIView


class BookingListCreateView(BranchScopedAPIView):
    """Bookings of the caller's branches; creating one links or creates its customer's lead."""

    serializer_class = BookingCreateInputSerializer  # the browsable API's form
    scoped_queryset = staticmethod(bookings_visible_to)
    filter_backends = [DjangoFilterBackend]
    filterset_class = BookingFilter

    @extend_schema(
        summary="List bookings",
        description="Bookings of the branches the caller may act on, newest first, paginated.",
        parameters=[OpenApiParameter("branch_id", int, description="Only bookings of this branch.")],
        responses={
            200: BookingOutputSerializer(many=True),
            **error_responses(
                400, *ACCESS_ERRORS, 404,
                e400="A malformed filter or page size, named in the body.",
                e404="No such page.",
            ),
        },
        tags=["bookings"],
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(BookingOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Create a booking",
        description=(
            "Creates a booking in one of the caller's branches. Passport, CNIC and contact number are "
            "normalised. Once it is saved, the customer's lead in the organization (same passport, else "
            "same contact number) is linked and converted, or a converted lead with `lead_source=booking` "
            "is created; `lead` in the response names it. A failure there never fails the booking."
        ),
        request=BookingCreateInputSerializer,
        examples=[
            OpenApiExample(
                "A part-paid booking",
                request_only=True,
                value={
                    "branch": 1,
                    "customer_name": "Zainab Akhtar",
                    "passport_number": "",
                    "contact_number": "+923001234567",
                    "cnic": "",
                    "total_amount": "350000.00",
                    "paid_amount": "100000.00",
                    "status": "pending",
                },
            )
        ],
        parameters=[idempotency_parameter("0b6f7c1e-3d2a-4f5b-9c8d-7e6f5a4b3c2d")],
        responses={
            201: BookingOutputSerializer,
            **IDEMPOTENCY_ERRORS,
            **error_responses(
                400,
                *ACCESS_ERRORS,
                e400="Invalid input, named by field: a branch outside the caller's scope (answered like an "
                "unknown id), an identity value that cannot be normalised, a negative amount, or "
                "`paid_amount` above `total_amount`.",
            ),
        },
        tags=["bookings"],
    )
    def post(self, request):
        def write():
            serializer = BookingCreateInputSerializer(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            return booking_create(**serializer.validated_data, actor=request.user)

        def respond(booking):
            # Read back through the selector: the lead was linked when the booking's transaction committed.
            booking = self.get_queryset().get(pk=booking.pk)
            return Response(BookingOutputSerializer(booking).data, status=status.HTTP_201_CREATED)

        # A retry with the same Idempotency-Key answers the first booking again instead of booking twice.
        return idempotent_create(request, operation="bookings_create", write=write, respond=respond)
