from django.urls import path

from messaging import views

app_name = "messaging"

# Mounted at /api/messaging/ (config/urls.py). The inbound side adds its webhooks here.
urlpatterns = [
    path("templates/", views.MessageTemplateListView.as_view(), name="templates"),
    path("templates/<int:pk>/", views.MessageTemplateDetailView.as_view(), name="template-detail"),
    path("channels/", views.ChannelListView.as_view(), name="channels"),
    path("channels/<int:pk>/", views.ChannelDetailView.as_view(), name="channel-detail"),
]
