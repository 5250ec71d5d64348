import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Branch, Organization, OrganizationFollowsBranch
from organizations.scoping import ScopedQuerySet

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_booking_reference() -> str:
    """A short, unambiguous, random reference such as `BK-7QF3M9XK2D`."""
    return "BK-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


class BookingQuerySet(ScopedQuerySet):
    """`visible_to(user)`: bookings of the branches `user` may act on."""

    branch_path = "branch_id"


class Booking(OrganizationFollowsBranch):
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=generate_booking_reference, editable=False
    )
    customer_name = models.CharField(_("customer name"), max_length=200)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True, default="")
    contact_number = models.CharField(_("contact number"), max_length=20)
    cnic = models.CharField(_("CNIC"), max_length=15, blank=True, default="")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("branch"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="bookings", editable=False, verbose_name=_("organization")
    )
    total_amount = models.DecimalField(_("total amount"), max_digits=12, decimal_places=2)
    paid_amount = models.DecimalField(_("paid amount"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="booking_total_amount_not_negative"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="booking_paid_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(paid_amount__lte=F("total_amount")), name="booking_paid_not_above_total"
            ),
            models.CheckConstraint(
                condition=Q(status__in=BookingStatus.values), name="booking_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "-created_at"], name="booking_branch_created_idx"),
            models.Index(fields=["organization", "passport_number"], name="booking_org_passport_idx"),
        ]

    def __str__(self):
        return f"{self.reference} – {self.customer_name}"

