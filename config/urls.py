from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from common.docs import RedocView, SwaggerUIView
from desk.views import dashboard_redirect
from organizations.languages import set_language

urlpatterns = [
    # The bare address opens the branch desk (a temporary redirect, so it can move again).
    path("", RedirectView.as_view(pattern_name="desk:app", permanent=False), name="root"),
    path("desk/", include("desk.urls")),
    path("admin/", admin.site.urls),
    # The old server-rendered dashboard's address opens the desk's (keeping branch_id).
    path("dashboard/", dashboard_redirect, name="dashboard-redirect"),
    # The language switch of the admin and the desk (Django's set_language, the choice also kept on the user).
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("organizations.urls")),
    # Everything under /api/leads/ (the contract's paths), from apps on several floors: leads.urls holds the
    # leads, follow-ups, loan book and reports; transfers.urls the imports and the export; intake.urls the
    # intake sources, the intake itself and Meta Lead Ads' webhook; messaging.lead_urls a lead's message
    # thread and consent.
    path(
        "api/leads/",
        include([
            path("", include("leads.urls")),
            path("", include("transfers.urls")),
            path("", include("intake.urls")),
            path("", include("messaging.lead_urls")),
        ]),
    ),
    path("api/messaging/", include("messaging.urls")),
    path("api/bookings/", include("booking.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerUIView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
]

# JSON bodies for API paths that match no route, or fail outside a DRF view.
handler404 = "organizations.error_views.not_found"
handler500 = "organizations.error_views.server_error"
