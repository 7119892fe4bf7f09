from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.permissions import AllowAny

from api.v1 import reads, views

app_name = "api"
PUBLIC = {"authentication_classes": [], "permission_classes": [AllowAny]}
# Swagger UI and Redoc set styles from their scripts (and Redoc starts a blob: worker):
# allowed on these two pages only, which show the public schema and no data. Scripts stay
# 'self' (the split Swagger view serves its start-up script as a file).
DOCS_CSP = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    path("domains/", views.DomainList.as_view(), name="domains"),
    path("domains/<str:domain>/", views.DomainDetail.as_view(), name="domain"),
    path("mailboxes/", views.MailboxList.as_view(), name="mailboxes"),
    path("mailboxes/<str:address>/", views.MailboxDetail.as_view(), name="mailbox"),
    path(
        "mailboxes/<str:address>/forward/",
        views.MailboxForward.as_view(),
        name="mailbox_forward",
    ),
    path("domains/<str:domain>/limits/", views.DomainLimits.as_view(), name="domain_limits"),
    path(
        "mailboxes/<str:address>/vacation/",
        views.MailboxVacation.as_view(),
        name="mailbox_vacation",
    ),
    path("mailboxes/<str:address>/usage/", reads.MailboxUsage.as_view(), name="mailbox_usage"),
    path("trace/", reads.Trace.as_view(), name="trace"),
    path("findings/", reads.Findings.as_view(), name="findings"),
    path("history/", reads.History.as_view(), name="history"),
    path("aliases/", views.AliasList.as_view(), name="aliases"),
    path("aliases/<str:mail>/", views.AliasDetail.as_view(), name="alias"),
    # The schema and its viewers are public: they describe the API, they hold no data.
    path("schema/", SpectacularAPIView.as_view(**PUBLIC), name="schema"),
    path(
        "docs/",
        DOCS_CSP(SpectacularSwaggerSplitView.as_view(url_name="api:schema", **PUBLIC)),
        name="docs",
    ),
    path(
        "redoc/",
        DOCS_CSP(SpectacularRedocView.as_view(url_name="api:schema", **PUBLIC)),
        name="redoc",
    ),
]
