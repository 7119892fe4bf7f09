"""The upload form of the browser import."""

from django import forms
from django.conf import settings

MODE_CHOICES = [
    ("strict", "All or nothing: an object that already exists is an error"),
    ("skip", "Skip objects that already exist"),
    ("update", "Update objects that already exist from their row"),
]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="The format of the export below (UTF-8, one header row)."
    )
    mode = forms.ChoiceField(
        choices=MODE_CHOICES, initial="strict", widget=forms.RadioSelect, label="Existing objects"
    )
    dry_run = forms.BooleanField(required=False, label="Dry run: check and report, write nothing")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The request holding it is bounded by the same setting (mailadmin.middleware).
        limit = settings.MAILADMIN_MAX_REQUEST_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file has {upload.size} bytes; the limit is {limit} "
                "(split it, or use `manage.py mail import`)."
            )
        return upload
