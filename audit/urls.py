from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.alias_audit, name="aliases"),
    path("aliases.csv", views.alias_audit_csv, name="aliases_csv"),
    path("findings/", views.findings, name="findings"),
    path("findings/run/", views.findings_run, name="findings_run"),
    path("trace/", views.trace, name="trace"),
    path("history/", views.history, name="history"),
    path("history.csv", views.history_csv, name="history_csv"),
]
