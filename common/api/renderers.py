"""The browsable API under the Content-Security-Policy (config/settings.py)."""

from rest_framework.renderers import BrowsableAPIRenderer as DRFBrowsableAPIRenderer

# DRF's page (rest_framework/base.html) sets a style attribute; everything else it loads is 'self'.
INLINE_STYLES = {"style-src": ["'unsafe-inline'"]}


class BrowsableAPIRenderer(DRFBrowsableAPIRenderer):
    """DRF's browsable API; its HTML answers allow inline styles (django-csp's per-response update)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = INLINE_STYLES
        return super().render(data, accepted_media_type, renderer_context)
