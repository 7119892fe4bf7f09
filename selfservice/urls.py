from django.urls import path

from selfservice import views

app_name = "selfservice"
urlpatterns = [
    path("", views.account, name="account"),
    path("login/", views.login, name="login"),
    path("password/", views.password_change, name="password_change"),
    path("logout/", views.logout, name="logout"),
]
