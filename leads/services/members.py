"""A branch's team, managed by its managers and its organization's admins: add, mark on leave, cap, deactivate.

Who may: `manages_branch(actor, branch)` (staff, an org admin of the branch's organization, a branch
manager of the branch); anyone else meets the branch as missing (`OutOfScope`, a 404). A branch manager
adds and deactivates branch users; branch managers are added and deactivated by org admins and staff.
No door here makes staff, superusers or org admins: a member added is a plain user with one branch
membership. Deactivating a member ends their membership of the branch, puts their open leads there back
through the branch's assignment rule, and, when it was their last membership, deactivates the account
and signs it out everywhere (API tokens and browser sessions).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from common.errors import OutOfScope
from leads.services.assignment import leads_reassign_open
from organizations.models import BRANCH_ROLES, Membership, MembershipRole
from organizations.scoping import managed_branch_ids, manages_branch, user_sees_everything
from organizations.services import user_sign_out_everywhere

UNSET = object()
# Where an invitation lets a new member choose their password: the desk's page, the secrets in the
# fragment (never sent to a server, so never in an access log).
INVITATION_PATH = "/desk/welcome#uid={uid}&token={token}"


@dataclass
class MemberAdded:
    membership: Membership
    # The desk path that lets the member choose a password (shown once); None when a password was given.
    invitation_path: str | None = None


def check_manages(*, actor, branch) -> None:
    """`actor` manages `branch`, else the branch does not exist for them (404). `actor=None` is a system job."""
    if actor is not None and not manages_branch(actor, branch):
        raise OutOfScope()


def may_manage_managers(actor, branch) -> bool:
    """Org admins of the branch's organization and staff add and deactivate branch managers; managers do not."""
    if actor is None or user_sees_everything(actor):
        return True
    return actor.memberships.filter(role=MembershipRole.ORG_ADMIN, organization_id=branch.organization_id).exists()


def invitation_path(user) -> str:
    """The one-time desk link that sets `user`'s first password (Django's password-reset token: it stops
    working once a password is set, and after PASSWORD_RESET_TIMEOUT)."""
    return INVITATION_PATH.format(
        uid=urlsafe_base64_encode(force_bytes(user.pk)), token=default_token_generator.make_token(user)
    )


@transaction.atomic
def member_add(
    *,
    branch,
    actor,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    role: str = MembershipRole.BRANCH_USER,
    password: str | None = None,
    invite: bool = False,
) -> MemberAdded:
    """A new user who is a branch user (or, added by an org admin or staff, a branch manager) of `branch`.

    Exactly one of a first `password` (judged by the password validators) or `invite` (a one-time link,
    returned once). Never staff or superuser. A username already taken is a 400 on `username`.
    """
    check_manages(actor=actor, branch=branch)
    if role not in BRANCH_ROLES:
        raise ValidationError({"role": ["A member added here is a branch user or a branch manager."]})
    if role == MembershipRole.BRANCH_MANAGER and not may_manage_managers(actor, branch):
        raise ValidationError({"role": ["Only an organization admin adds branch managers."]})
    if bool(password) == bool(invite):
        raise ValidationError({"password": ["Give a first password or ask for an invitation link (one of the two)."]})
    User = get_user_model()
    username = (username or "").strip()
    user = User(
        username=username, first_name=first_name.strip(), last_name=last_name.strip(), email=email.strip(),
        is_staff=False, is_superuser=False, is_active=True,
    )
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        raise ValidationError({name: messages for name, messages in exc.message_dict.items()}) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": ["A user with that username already exists."]})
    if password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same username added at the same moment
        raise ValidationError({"username": ["A user with that username already exists."]}) from exc
    membership = Membership.objects.create(user=user, branch=branch, organization=branch.organization, role=role)
    return MemberAdded(membership=membership, invitation_path=invitation_path(user) if invite else None)


def _member_of(*, branch, user_id: int, for_update: bool = False) -> Membership:
    memberships = Membership.objects.filter(branch=branch, user_id=user_id, role__in=BRANCH_ROLES).select_related("user")
    if for_update:
        memberships = memberships.select_for_update(of=("self",))
    membership = memberships.first()
    if membership is None:
        raise OutOfScope()
    return membership


@transaction.atomic
def member_update(*, branch, user_id: int, actor, available=UNSET, daily_cap=UNSET) -> Membership:
    """Mark a member of `branch` available or on leave, and set or clear their daily cap (a positive number).

    A member on leave gets no new leads from the rule; their open leads stay theirs.
    """
    check_manages(actor=actor, branch=branch)
    membership = _member_of(branch=branch, user_id=user_id, for_update=True)
    fields = []
    if available is not UNSET:
        membership.available = bool(available)
        fields.append("available")
    if daily_cap is not UNSET:
        if daily_cap is not None and (isinstance(daily_cap, bool) or not isinstance(daily_cap, int) or daily_cap < 1):
            raise ValidationError({"daily_cap": ["A daily cap is a whole number of at least 1, or empty for none."]})
        membership.daily_cap = daily_cap
        fields.append("daily_cap")
    if fields:
        membership.save(update_fields=fields)
    return membership


@dataclass
class MemberDeactivated:
    reassigned: int
    unassigned: int
    account_deactivated: bool


@transaction.atomic
def member_deactivate(*, branch, user_id: int, actor) -> MemberDeactivated:
    """End a member's membership of `branch`; their open leads there go back through the branch's rule.

    A branch manager deactivates branch users only (a manager or a staff account: 403), and nobody
    deactivates themselves (400). The account itself is deactivated and signed out everywhere when this
    was its last membership.
    """
    check_manages(actor=actor, branch=branch)
    membership = _member_of(branch=branch, user_id=user_id, for_update=True)
    user = membership.user
    if actor is not None and user.pk == actor.pk:
        raise ValidationError({"user": ["You cannot deactivate yourself; ask another manager or an admin."]})
    if (user.is_staff or user.is_superuser) and not user_sees_everything(actor):
        raise PermissionDenied("Only staff deactivate a staff account.")
    if membership.role == MembershipRole.BRANCH_MANAGER and not may_manage_managers(actor, branch):
        raise PermissionDenied("Only an organization admin deactivates a branch manager.")
    membership.delete()
    account_deactivated = not Membership.objects.filter(user=user).exists()
    if account_deactivated:
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        user_sign_out_everywhere(user=user)
    reassigned, unassigned = leads_reassign_open(branch=branch, user_id=user.pk, actor=actor)
    return MemberDeactivated(reassigned=reassigned, unassigned=unassigned, account_deactivated=account_deactivated)


def branches_managed_by(user):
    """The branches `user` manages (every branch for staff), by organization and code."""
    from organizations.models import Branch

    branches = Branch.objects.select_related("organization")
    if user_sees_everything(user):
        return branches.all()
    return branches.filter(pk__in=managed_branch_ids(user))
