"""Development without a connected channel: the message is written to the log instead of sent.

Used only while `MESSAGING_LOG_PROVIDER` is on (default: debug on), as email goes to the console in
development only. The log's redaction filter masks the phone number; the text is the message as sent.
"""

import logging
import uuid

from messaging.providers.base import OutgoingMessage, Provider

logger = logging.getLogger("messaging.log_provider")


class LogProvider(Provider):
    name = "log"

    def __init__(self, *, kind: str):
        self.kind = kind

    def send(self, message: OutgoingMessage) -> str:
        provider_id = f"log-{uuid.uuid4().hex}"
        template = f" template {message.template_name}/{message.template_language}" if message.template_name else ""
        logger.info(
            "Message #%s (%s%s) to %s, not sent (log provider): %s",
            message.message_id, self.kind, template, message.to, message.body,
        )
        return provider_id
