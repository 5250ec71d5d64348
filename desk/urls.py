from django.urls import path, re_path

from desk import views

app_name = "desk"

urlpatterns = [
    path("", views.desk, name="app"),
    # Named for the links that open it from outside the desk (the admin's index, /dashboard/).
    path("dashboard", views.desk, {"path": "dashboard"}, name="dashboard"),
    # Deep links (/desk/leads/12, /desk/find?q=…) get the same page: the app routes them in the browser.
    re_path(r"^(?P<path>.+)$", views.desk, name="deep-link"),
]
