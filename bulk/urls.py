from django.urls import path

from bulk import views

app_name = "bulk"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_upload, name="import"),
    path("export/", views.export_download, name="export"),
]
