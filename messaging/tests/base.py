"""What the messaging tests share: fake providers started per test class, settings pointing at them."""

from datetime import datetime, time, timedelta

from django.test import override_settings
from django.utils import timezone

from messaging.providers.base import http_client
from messaging.tests.fakes import FakeTwilio, FakeWhatsApp


def business_time(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    """Today (the business day) plus `days`, at hour:minute business time: for `time_machine.travel`."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), timezone.get_current_timezone())


class FakeProvidersMixin:
    """Starts a fake WhatsApp and a fake Twilio for the class; settings point at them; answers reset per test."""

    @classmethod
    def setUpClass(cls):
        cls.whatsapp = FakeWhatsApp().start()
        cls.twilio = FakeTwilio().start()
        cls._provider_settings = override_settings(
            META_GRAPH_URL=cls.whatsapp.url,
            TWILIO_API_URL=cls.twilio.url,
            MESSAGING_QUIET_HOURS="",
            MESSAGING_HTTP_TIMEOUT=2.0,
        )
        cls._provider_settings.enable()
        http_client.cache_clear()  # built again with this timeout
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._provider_settings.disable()
        cls.whatsapp.stop()
        cls.twilio.stop()

    def setUp(self):
        super().setUp()
        for server in (self.whatsapp, self.twilio):
            server.requests.clear()
            server._scripted.clear()
