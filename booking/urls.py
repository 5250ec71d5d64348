from django.urls import path

app_name = "booking"

urlpatterns: list = []
