from django.urls import path

from organizations import views

app_name = "organizations"

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/logoutall/", views.LogoutAllView.as_view(), name="logoutall"),
    path("auth/session/", views.SessionView.as_view(), name="session"),
    path("auth/invitation/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("me/", views.MeView.as_view(), name="me"),
    path("organizations/<int:pk>/working-time/", views.WorkingTimeView.as_view(), name="working-time"),
]
