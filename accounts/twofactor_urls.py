from django.urls import path

from accounts import twofactor_views as views

app_name = "twofactor"
urlpatterns = [
    path("", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("disable/", views.disable, name="disable"),
]
