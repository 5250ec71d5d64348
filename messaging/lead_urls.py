from django.urls import path

from messaging import views

app_name = "lead_messages"

# Under /api/leads/ beside leads/urls.py (config/urls.py mounts both): a lead's thread and consent.
urlpatterns = [
    path("detail/<int:pk>/messages/", views.LeadMessagesView.as_view(), name="thread"),
    path("detail/<int:pk>/consent/", views.LeadConsentView.as_view(), name="consent"),
]
