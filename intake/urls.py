from django.urls import path

from intake import views

app_name = "intake"

# Under /api/leads/ beside leads/urls.py and transfers/urls.py (config/urls.py mounts them, namespace
# `intake`); tests reverse these names, the contract tests pin the paths.
urlpatterns = [
    path("intake-sources/", views.IntakeSourceListCreateView.as_view(), name="source-list"),
    path("intake-sources/<int:pk>/", views.IntakeSourceDetailView.as_view(), name="source-detail"),
    path("intake-sources/<int:pk>/revoke/", views.IntakeSourceRevokeView.as_view(), name="source-revoke"),
    path("intake/", views.IntakeView.as_view(), name="intake"),
    path("intake/meta/", views.MetaWebhookView.as_view(), name="meta-webhook"),
]
