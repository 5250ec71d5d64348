import factory
from django.contrib.auth import get_user_model

from organizations.models import Branch, Membership, MembershipRole, Organization


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass-12345")

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Branch {n}")
    code = factory.Sequence(lambda n: f"BR{n}")
    city = "Lahore"
    area = "Gulberg"


class MembershipFactory(factory.django.DjangoModelFactory):
    """A branch-user membership by default; pass `branch=None, role=ORG_ADMIN, organization=…` for an org admin."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    branch = factory.SubFactory(BranchFactory)
    organization = factory.LazyAttribute(lambda m: m.branch.organization if m.branch else OrganizationFactory())
    role = MembershipRole.BRANCH_USER


def branch_user(branch, **kwargs):
    """A user who is a branch user of `branch`."""
    return MembershipFactory(branch=branch, **kwargs).user


def org_admin(organization, **kwargs):
    """A user who is org admin of `organization`."""
    return MembershipFactory(branch=None, organization=organization, role=MembershipRole.ORG_ADMIN, **kwargs).user


def branch_manager(branch, **kwargs):
    """A user who is branch manager of `branch`."""
    return MembershipFactory(branch=branch, role=MembershipRole.BRANCH_MANAGER, **kwargs).user
