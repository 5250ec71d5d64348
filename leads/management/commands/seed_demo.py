from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from booking.models import Booking
from booking.services import booking_create
from leads.models import ConsentVia, ContactMethod, Lead, LeadSource, MessagingConsent
from leads.services import (
    followup_record,
    lead_create,
    loan_commitment_create,
    loan_commitment_reschedule,
    loan_payment_record,
)
from organizations.models import Branch, Membership, MembershipRole, Organization

DEMO_PASSWORD = "demo-pass-123"

ORGANIZATIONS = {
    "Alpha Travels": [("A1", "Lahore Main", "Lahore", "Gulberg"), ("A2", "Karachi Saddar", "Karachi", "Saddar")],
    "Bravo Tours": [("B1", "Islamabad Blue Area", "Islamabad", "Blue Area")],
}

# username, organization, branch code (None for an org admin), flags
USERS = [
    ("admin", None, None, {"is_staff": True, "is_superuser": True}),
    ("orgadmin_a", "Alpha Travels", None, {}),
    ("branch_a1", "Alpha Travels", "A1", {}),
    ("branch_a2", "Alpha Travels", "A2", {}),
    ("orgadmin_b", "Bravo Tours", None, {}),
    ("branch_b1", "Bravo Tours", "B1", {}),
    ("nobody", None, None, {}),
    # Last, so the users above keep their ids from before the role existed.
    ("manager_a1", "Alpha Travels", "A1", {}),
]
# A branch membership is a branch user's unless named here.
BRANCH_ROLES = {"manager_a1": MembershipRole.BRANCH_MANAGER}

# name, passport stem, mobile stem, source, follow-up offset in days (None: none), loan offset (None: none)
LEADS = [
    ("Muhammad Asif", "AS", "0300", LeadSource.WALK_IN, 0, -5),
    ("Ayesha Khan", "AK", "0301", LeadSource.PHONE, 0, None),
    ("Bilal Ahmed", "BA", "0321", LeadSource.REFERRAL, -2, -1),
    ("Fatima Noor", "FN", "0333", LeadSource.SOCIAL_MEDIA, 3, 7),
    ("Usman Tariq", "UT", "0345", LeadSource.WEBSITE, None, None),
]

# The number the desk's journeys find as a user types it (`0321 5550123`, e2e/journeys/): A1's
# Ayesha Khan (due today, no promise). Other rows' numbers follow their stem; ids stay as they were.
PHONE_AS_TYPED = {("A1", "Ayesha Khan"): "03215550123"}

# Customers who agreed to WhatsApp/SMS messages (told staff on a call), and the language they read:
# Bilal Ahmed's promise is a day overdue, so `send_payment_reminders` has a reminder for him every day.
MESSAGING_CONSENT = {"Muhammad Asif": "en", "Bilal Ahmed": "ur"}

# The loan book per branch: name, amount, promised (days from today), payments, reschedules (new dates).
# Together the promises fall in every aging bucket (1-7, 8-30, 31-60, 61-90, 90+ days late), some are
# partly paid, one is paid in full, and one was re-promised twice (a reschedule chain).
LOAN_BOOK = [
    ("Hina Malik", "120000.00", -4, ["40000.00", "25000.00"], []),
    ("Kamran Shah", "80000.00", -18, ["10000.00"], []),
    ("Saima Javed", "150000.00", -45, [], []),
    ("Tariq Mehmood", "60000.00", -75, ["15000.00"], []),
    ("Rubina Aslam", "200000.00", -120, ["50000.00"], []),
    ("Imran Qureshi", "90000.00", -20, ["30000.00"], [3, 14]),
    ("Nadia Hussain", "45000.00", 10, ["45000.00"], []),
]


class Command(BaseCommand):
    help = (
        "Create the demo organizations, branches, users (password demo-pass-123), leads, follow-ups, "
        "bookings and loan commitments. Idempotent: a second run changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        branches = self._organizations()
        users = self._users(branches)
        created = 0
        for index, branch in enumerate(sorted(branches.values(), key=lambda b: b.code)):
            staff = users[f"branch_{branch.code.lower()}"]
            created += self._branch_data(branch=branch, staff=staff, today=today, index=index)
            created += self._loan_book(branch=branch, staff=staff, today=today, index=index)
        self.stdout.write(
            f"Demo data ready: {len(branches)} branches, {len(users)} users, {created} new leads "
            f"(password for every demo user: {DEMO_PASSWORD})."
        )

    def _organizations(self) -> dict[str, Branch]:
        branches = {}
        for org_name, branch_rows in ORGANIZATIONS.items():
            organization, _ = Organization.objects.get_or_create(name=org_name)
            for code, name, city, area in branch_rows:
                branch, _ = Branch.objects.get_or_create(
                    organization=organization, code=code, defaults={"name": name, "city": city, "area": area}
                )
                branches[code] = branch
        return branches

    def _users(self, branches: dict[str, Branch]):
        User = get_user_model()
        users = {}
        for username, org_name, code, flags in USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@demo.example", **flags}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if code:
                Membership.objects.get_or_create(
                    user=user, branch=branches[code],
                    defaults={
                        "organization": branches[code].organization,
                        "role": BRANCH_ROLES.get(username, MembershipRole.BRANCH_USER),
                    },
                )
            elif org_name:
                Membership.objects.get_or_create(
                    user=user, organization=Organization.objects.get(name=org_name), branch=None,
                    role=MembershipRole.ORG_ADMIN,
                )
            users[username] = user
        return users

    def _branch_data(self, *, branch: Branch, staff, today, index: int) -> int:
        created = 0
        for number, (name, passport_stem, mobile_stem, source, followup_offset, loan_offset) in enumerate(LEADS):
            lead = _new_demo_lead(
                branch=branch, staff=staff, name=name, source=source,
                passport=f"{passport_stem}{branch.code[0]}{index}{number:05d}",
                contact_number=PHONE_AS_TYPED.get((branch.code, name), f"{mobile_stem}{index}{number:06d}"),
                cnic=f"35202{index}{number:06d}1",
                remarks="Asked about Umrah packages for the family.",
            )
            if lead is None:
                continue
            created += 1
            if name in MESSAGING_CONSENT:
                Lead.objects.filter(pk=lead.pk).update(
                    messaging_consent=MessagingConsent.OPTED_IN, messaging_consent_at=timezone.now(),
                    messaging_consent_via=ConsentVia.STAFF, language=MESSAGING_CONSENT[name],
                )
            if followup_offset is not None:
                followup_record(
                    lead=lead,
                    remarks="Called; wants the December Umrah package price list.",
                    contact_method=ContactMethod.CALL,
                    next_followup_date=today + timedelta(days=followup_offset),
                    actor=staff,
                    allow_historical_dates=True,  # demo leads are overdue on purpose
                )
            if loan_offset is not None:
                loan_commitment_create(
                    lead=lead,
                    amount=Decimal("25000.00") + number * 5000,
                    promised_clear_date=today + timedelta(days=loan_offset),
                    remarks="Promised to clear the balance after salary.",
                    actor=staff,
                )
        booking_passport = f"BK{branch.code[0]}{index}000001"
        if not Booking.objects.filter(organization=branch.organization, passport_number=booking_passport).exists():
            booking_create(
                branch=branch,
                customer_name="Hamza Siddiqui",
                passport_number=booking_passport,
                contact_number=f"0312{index}000001",
                total_amount=Decimal("350000.00"),
                paid_amount=Decimal("200000.00"),
                actor=staff,
            )
        return created

    def _loan_book(self, *, branch: Branch, staff, today, index: int) -> int:
        """Customers who owe money: partial payments, a reschedule chain and every aging bucket."""
        created = 0
        for number, (name, amount, offset, payments, reschedules) in enumerate(LOAN_BOOK):
            lead = _new_demo_lead(
                branch=branch, staff=staff, name=name, source=LeadSource.REFERRAL,
                passport=f"LB{branch.code[0]}{index}{number:05d}",
                contact_number=f"0335{index}{number:06d}", cnic=f"35203{index}{number:06d}1",
                remarks="Umrah package on instalments.",
            )
            if lead is None:
                continue
            created += 1
            commitment = loan_commitment_create(
                lead=lead,
                amount=Decimal(amount),
                promised_clear_date=today + timedelta(days=offset),
                remarks="Balance of the package price.",
                actor=staff,
            )
            for paid_days_ago, paid in enumerate(payments, start=1):
                loan_payment_record(
                    commitment=commitment,
                    amount=Decimal(paid),
                    paid_at=timezone.now() - timedelta(days=paid_days_ago),
                    method="bank_transfer" if paid_days_ago % 2 else "cash",
                    actor=staff,
                )
            for new_offset in reschedules:
                commitment = loan_commitment_reschedule(
                    commitment=commitment, promised_clear_date=today + timedelta(days=new_offset), actor=staff
                )
        return created


def _new_demo_lead(*, branch: Branch, staff, name: str, source: str, passport: str, contact_number: str, cnic: str,
                   remarks: str) -> Lead | None:
    """A demo lead assigned to the branch's user, or None when its passport is already there (a re-run)."""
    if Lead.objects.filter(organization=branch.organization, passport_number=passport).exists():
        return None
    return lead_create(
        branch=branch, customer_name=name, passport_number=passport, contact_number=contact_number, cnic=cnic,
        area=branch.area, lead_source=source, remarks=remarks, actor=staff, assigned_to=staff,
    )
