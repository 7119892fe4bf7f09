from django.urls import include, path

from api import token_views

urlpatterns = [
    path("api/v1/", include("api.v1.urls")),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/<str:prefix>/revoke/", token_views.token_revoke, name="token_revoke"),
]
