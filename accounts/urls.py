from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.admin_list, name="list"),
    path("add/", views.admin_create, name="create"),
    path("<int:pk>/", views.admin_edit, name="edit"),
    path("<int:pk>/password/", views.admin_password, name="password"),
    path("<int:pk>/delete/", views.admin_delete, name="delete"),
]
