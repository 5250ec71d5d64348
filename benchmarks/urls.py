"""The project's URLs plus /bench-bare/…: plain Django twins of the read endpoints."""

from django.urls import path

from benchmarks import bare
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("bench-bare/search/", bare.search),
    path("bench-bare/list/", bare.lead_list),
    path("bench-bare/detail/<int:pk>/", bare.detail),
    path("bench-bare/followup-today/", bare.followup_today),
    path("bench-bare/overdue-loans/", bare.overdue_loans),
]
