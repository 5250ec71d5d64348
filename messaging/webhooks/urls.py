from django.urls import path

from messaging.webhooks import views

# Included by messaging/urls.py under /api/messaging/ (namespace `messaging`).
urlpatterns = [
    path("whatsapp/", views.WhatsAppWebhookView.as_view(), name="whatsapp-webhook"),
    path("twilio/", views.TwilioWebhookView.as_view(), name="twilio-webhook"),
]
