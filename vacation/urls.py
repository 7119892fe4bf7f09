from django.urls import path

from domains import converters  # noqa: F401 - registers <address:...>
from vacation import views

app_name = "vacation"
urlpatterns = [
    path("account/vacation/", views.own, name="own"),
    path("domains/mailboxes/<address:address>/vacation/", views.for_mailbox, name="mailbox"),
]
