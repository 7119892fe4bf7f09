"""The panel's URLconf plus one view behind django-ratelimit, for the 429 page's test."""

from django.http import HttpResponse
from django.urls import path
from django_ratelimit.decorators import ratelimit

from mailadmin import urls


@ratelimit(key="ip", rate="1/m", block=True)
def limited(request):
    return HttpResponse("ok")


urlpatterns = [*urls.urlpatterns, path("limited/", limited)]
handler403 = urls.handler403
handler404 = urls.handler404
handler500 = urls.handler500
