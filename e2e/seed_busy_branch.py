"""A branch with 2,000 follow-ups due today for the desk's "My day stays one page" journey.

Run by e2e/run.sh after seed_demo (`manage.py shell < e2e/seed_busy_branch.py`): branch A9 of Alpha
Travels with its user `branch_busy` (the demo password), 2,000 open leads due today in one bulk
insert (test data, not a door of the service). Idempotent: a second run adds nothing.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from leads.models import Lead
from organizations.models import Branch, Membership, MembershipRole, Organization

DUE = 2000
organization = Organization.objects.get(name="Alpha Travels")
branch, _ = Branch.objects.get_or_create(
    organization=organization, code="A9", defaults={"name": "Busy Branch", "city": "Lahore", "area": "Johar Town"}
)
user, created = get_user_model().objects.get_or_create(username="branch_busy", defaults={"email": "busy@demo.example"})
if created:
    user.set_password("demo-pass-123")
    user.save(update_fields=["password"])
Membership.objects.get_or_create(
    user=user, branch=branch, role=MembershipRole.BRANCH_USER, defaults={"organization": organization}
)
missing = DUE - Lead.objects.filter(branch=branch).count()
today = timezone.localdate()
Lead.objects.bulk_create(
    Lead(
        organization=organization, branch=branch, customer_name=f"Busy Customer {number:04d}",
        contact_number=f"+92300{9000000 + number:07d}", next_followup_date=today, assigned_to=user, created_by=user,
    )
    for number in range(DUE - missing, DUE)
)
print(f"branch A9: {Lead.objects.filter(branch=branch, next_followup_date=today).count()} leads due today")
