import factory
from django.utils import timezone

from leads.models import ConsentVia, MessagingConsent
from leads.tests.factories import LeadFactory
from messaging.models import Channel, ChannelKind, Message, MessageDirection, MessageStatus
from organizations.tests.factories import OrganizationFactory


class ChannelFactory(factory.django.DjangoModelFactory):
    """A connected WhatsApp number by default; `kind=sms` with `account_sid`/`from_number` for Twilio."""

    class Meta:
        model = Channel

    organization = factory.SubFactory(OrganizationFactory)
    kind = ChannelKind.WHATSAPP
    phone_number_id = factory.Sequence(lambda n: f"10{n:013d}")
    display_phone_number = factory.Sequence(lambda n: f"+92321{n:07d}")
    secret = "EAAG-fake-access-token"
    daily_limit = 1000


class TwilioChannelFactory(ChannelFactory):
    kind = ChannelKind.SMS
    phone_number_id = ""
    account_sid = factory.Sequence(lambda n: f"AC{n:032x}")
    from_number = factory.Sequence(lambda n: f"+1415555{n:04d}")
    display_phone_number = factory.LazyAttribute(lambda channel: channel.from_number)
    secret = "twilio-fake-auth-token"


class ConsentingLeadFactory(LeadFactory):
    messaging_consent = MessagingConsent.OPTED_IN
    messaging_consent_at = factory.LazyFunction(timezone.now)
    messaging_consent_via = ConsentVia.STAFF


class MessageFactory(factory.django.DjangoModelFactory):
    """An outgoing queued message as stored; tests of the rules queue through `message_queue`."""

    class Meta:
        model = Message

    lead = factory.SubFactory(ConsentingLeadFactory)
    organization = factory.LazyAttribute(lambda message: message.lead.organization)
    direction = MessageDirection.OUT
    channel = ChannelKind.WHATSAPP
    body = "Hello"
    to_number = factory.LazyAttribute(lambda message: message.lead.contact_number)
    status = MessageStatus.QUEUED


class InboundMessageFactory(MessageFactory):
    direction = MessageDirection.IN
    status = MessageStatus.RECEIVED
    body = "Hi, is my payment received?"
