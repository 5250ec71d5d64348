from django.urls import path

from booking.views import BookingListCreateView

app_name = "booking"

urlpatterns = [
    path("", BookingListCreateView.as_view(), name="list-create"),
]
