"""The API docs pages, served offline and under the Content-Security-Policy (script-src 'self').

drf-spectacular's Swagger UI page inlines its start-up script and its ReDoc page loads Google
Fonts; these views keep the sidecar's assets (SWAGGER_UI_DIST/REDOC_DIST = "SIDECAR") and serve
templates that name nothing outside the service: Swagger UI's start-up script is a separate
request (drf-spectacular's split view, `?script`), the page styles a static file.
"""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from common.api.renderers import INLINE_STYLES

# ReDoc writes its CSS into <style> elements at run time and builds its search index in a blob: worker.
REDOC_POLICY = {**INLINE_STYLES, "worker-src": ["blob:"]}


class SwaggerUIView(SpectacularSwaggerSplitView):
    template_name = "common/swagger_ui.html"


class RedocView(SpectacularRedocView):
    """ReDoc's page alone also allows inline styles and blob: workers (REDOC_POLICY)."""

    template_name = "common/redoc.html"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response._csp_update = REDOC_POLICY
        return response
