from django.urls import path

from aliases import views
from domains import converters

converters.register()

app_name = "aliases"
urlpatterns = [
    path("", views.alias_list, name="list"),
    path("add/", views.alias_create, name="create"),
    path("bulk/", views.alias_bulk, name="bulk"),
    path("<address:source>/", views.alias_edit, name="edit"),
    path("<address:source>/enable/", views.alias_set_enabled, {"enabled": True}, name="enable"),
    path("<address:source>/disable/", views.alias_set_enabled, {"enabled": False}, name="disable"),
    path(
        "<address:source>/enable/confirm/",
        views.alias_set_enabled_confirm,
        {"enabled": True},
        name="enable_confirm",
    ),
    path(
        "<address:source>/disable/confirm/",
        views.alias_set_enabled_confirm,
        {"enabled": False},
        name="disable_confirm",
    ),
    path("<address:source>/delete/", views.alias_delete, name="delete"),
]
