"""The HTML form a website pastes to post enquiries to an intake source: a plain `<form method="post">`.

The key travels as a hidden field (`intake_key`): a form cannot send a header, and a key in a public page
is public by nature, which is why a source has its own rate limits, a honeypot field (`website`, hidden
from people, filled by bots) and a list of allowed origins (docs/intake.md).
"""

from django.template.loader import render_to_string

from intake.models import IntakeSource

KEY_PLACEHOLDER = "PASTE-THE-KEY-SHOWN-WHEN-THIS-SOURCE-WAS-CREATED"


def form_snippet(source: IntakeSource, *, action_url: str, key: str | None = None) -> str:
    """The snippet for `source` posting to `action_url`; with the key when it is known (only at creation)."""
    return render_to_string(
        "intake/form_snippet.html",
        {"source": source, "action_url": action_url, "key": key or KEY_PLACEHOLDER},
    ).strip() + "\n"
