import factory

from intake.keys import new_key
from intake.models import IntakeSource, IntakeSubmission, MetaPage
from intake.tests.fake_graph import TOKEN
from leads.models import LeadSource
from organizations.tests.factories import BranchFactory


class IntakeSourceFactory(factory.django.DjangoModelFactory):
    """A source row; its key is on `source.test_key` (the service returns it once, the row keeps only a hash)."""

    class Meta:
        model = IntakeSource

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"Website form {n}")
    lead_source = LeadSource.WEB_FORM

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        key = new_key()
        kwargs.setdefault("key_prefix", key.prefix)
        kwargs.setdefault("key_hash", key.digest)
        source = super()._create(model_class, *args, **kwargs)
        source.test_key = key.key
        return source


class MetaPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetaPage

    source = factory.SubFactory(IntakeSourceFactory)
    page_id = factory.Sequence(lambda n: f"{5001 + n}")
    name = factory.Sequence(lambda n: f"Page {n}")
    access_token = TOKEN


class IntakeSubmissionFactory(factory.django.DjangoModelFactory):
    """An accepted enquiry, pending (stored as the request stores it: normalised)."""

    class Meta:
        model = IntakeSubmission

    source = factory.SubFactory(IntakeSourceFactory)
    customer_name = factory.Sequence(lambda n: f"Customer {n}")
    contact_number = factory.Sequence(lambda n: f"+92300{1000000 + n:07d}")
