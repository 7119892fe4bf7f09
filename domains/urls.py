from django.urls import path

from domains import converters, views

converters.register()

app_name = "domains"
urlpatterns = [
    path("", views.domain_list, name="list"),
    path("add/", views.domain_create, name="create"),
    path("mailboxes/", views.mailbox_list, name="mailbox_list"),
    path("mailboxes/bulk/", views.mailbox_bulk, name="mailbox_bulk"),
    path("mailboxes/<address:address>/", views.mailbox_edit, name="mailbox"),
    path("mailboxes/<address:address>/password/", views.mailbox_password, name="mailbox_password"),
    path(
        "mailboxes/<address:address>/enable/",
        views.mailbox_set_enabled,
        {"enabled": True},
        name="mailbox_enable",
    ),
    path(
        "mailboxes/<address:address>/disable/",
        views.mailbox_set_enabled,
        {"enabled": False},
        name="mailbox_disable",
    ),
    path(
        "mailboxes/<address:address>/enable/confirm/",
        views.mailbox_set_enabled_confirm,
        {"enabled": True},
        name="mailbox_enable_confirm",
    ),
    path(
        "mailboxes/<address:address>/disable/confirm/",
        views.mailbox_set_enabled_confirm,
        {"enabled": False},
        name="mailbox_disable_confirm",
    ),
    path("mailboxes/<address:address>/delete/", views.mailbox_delete, name="mailbox_delete"),
    path("mailboxes/<address:address>/forward/", views.mailbox_forward, name="mailbox_forward"),
    path("<str:domain>/", views.domain_detail, name="detail"),
    path("<str:domain>/edit/", views.domain_edit, name="edit"),
    path("<str:domain>/limits/", views.domain_limits, name="limits"),
    path("<str:domain>/enable/", views.domain_set_enabled, {"enabled": True}, name="enable"),
    path("<str:domain>/disable/", views.domain_set_enabled, {"enabled": False}, name="disable"),
    path("<str:domain>/enable/confirm/", views.domain_enable_confirm, name="enable_confirm"),
    path("<str:domain>/disable/confirm/", views.domain_disable_confirm, name="disable_confirm"),
    path("<str:domain>/delete/", views.domain_delete, name="delete"),
    path("<str:domain>/mailboxes/add/", views.mailbox_create, name="mailbox_create"),
]
