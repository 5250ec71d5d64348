"""`DJANGO_THROTTLE_INTAKE`: enquiries per intake key and, separately, per client address (fixed windows,
both counted in one cache round trip by `OneRoundTripThrottlesMixin`; fail-open like every throttle).

They are checked before the key is: a flood of wrong keys spends its address's allowance too. The key's
counter is keyed by the key's public prefix (a malformed key counts under its address only).
"""

from rest_framework import throttling

from common.api.throttling import FixedWindowThrottleMixin
from intake.keys import split_key

INTAKE_SCOPE = "intake"


class IntakeAddressThrottle(FixedWindowThrottleMixin, throttling.SimpleRateThrottle):
    scope = INTAKE_SCOPE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": f"{self.scope}_address", "ident": self.get_ident(request)}


class IntakeKeyThrottle(FixedWindowThrottleMixin, throttling.SimpleRateThrottle):
    scope = INTAKE_SCOPE

    def get_cache_key(self, request, view):
        parts = split_key(view.presented_key(request))
        if parts is None:
            return None
        return self.cache_format % {"scope": f"{self.scope}_key", "ident": parts[0]}
