from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from mailadmin import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", account_views.staff_login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account_views.password_change, name="password_change"),
    path("language/", account_views.set_language, name="set_language"),
    path("2fa/", include("accounts.twofactor_urls")),
    path("domains/", include("domains.urls")),
    path("aliases/", include("aliases.urls")),
    path("admins/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("account/", include("selfservice.urls")),
    path("bulk/", include("bulk.urls")),
    path("", include("vacation.urls")),
    path("", include("api.urls")),  # /api/v1/ and /tokens/
]

handler403 = "mailadmin.views.permission_denied"
handler404 = "mailadmin.views.page_not_found"
handler500 = "mailadmin.errors.server_error"
