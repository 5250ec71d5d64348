from django.urls import path

from transfers import views

app_name = "transfers"

# Under /api/leads/ beside leads/urls.py (config/urls.py mounts both, namespace `transfers`); tests
# reverse these names, the contract tests pin the paths.
urlpatterns = [
    path("imports/", views.LeadImportCreateView.as_view(), name="import-create"),
    path("imports/<int:pk>/", views.LeadImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/revert/", views.LeadImportRevertView.as_view(), name="import-revert"),
    path("export/", views.LeadExportView.as_view(), name="export"),
]
