"""The upload form of the browser import."""

import csv
import io

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bulk.csvformat import FormatError, read_rows
from bulk.importer import passwords_to_hash

MODE_CHOICES = [
    ("strict", _("All or nothing: an object that already exists is an error")),
    ("skip", _("Skip objects that already exist")),
    ("update", _("Update objects that already exist from their row")),
]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("The format of the export below (UTF-8, one header row).")
    )

    mode = forms.ChoiceField(
        choices=MODE_CHOICES,
        initial="strict",
        widget=forms.RadioSelect,
        label=_("Existing objects"),
    )
    dry_run = forms.BooleanField(
        required=False, label=_("Dry run: check and report, write nothing")
    )
    over_limit = forms.BooleanField(
        required=False,
        label=_("Pass domains' limits knowingly (else a file that would is refused)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        most = settings.MAILADMIN_WEB_IMPORT_PASSWORDS
        self.fields["file"].help_text = " ".join(
            [
                str(self.fields["file"].help_text),
                ngettext(
                    "At most %(count)s clear password (hashing them takes time); use "
                    "`python manage.py mail import` for more.",
                    "At most %(count)s clear passwords (hashing them takes time); use "
                    "`python manage.py mail import` for more.",
                    most,
                )
                % {"count": most},
            ]
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The request holding it is bounded by the same setting (mailadmin.middleware).
        limit = settings.MAILADMIN_MAX_REQUEST_BYTES
        if upload.size > limit:
            message = ngettext(
                "The file has %(size)s byte; the limit is %(limit)s "
                "(split it, or use `manage.py mail import`).",
                "The file has %(size)s bytes; the limit is %(limit)s "
                "(split it, or use `manage.py mail import`).",
                upload.size,
            )
            raise forms.ValidationError(message % {"size": upload.size, "limit": limit})
        self.check_passwords_to_hash(upload)
        return upload

    def check_passwords_to_hash(self, upload) -> None:
        """Refuse, before any work, a file whose hashing would outlast the request."""
        limit = settings.MAILADMIN_WEB_IMPORT_PASSWORDS
        stream = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
        try:
            count = passwords_to_hash(read_rows(stream))
        except (FormatError, ValueError, csv.Error):
            count = 0  # the import reports it, with its line
        finally:
            stream.detach()
            upload.seek(0)
        if count > limit:
            message = ngettext(
                "The file has %(count)s clear password to hash; a browser import hashes at "
                "most %(limit)s (MAILADMIN_WEB_IMPORT_PASSWORDS) within the request. Import "
                "it with `python manage.py mail import FILE.csv`, or give crypt hashes "
                "instead of passwords.",
                "The file has %(count)s clear passwords to hash; a browser import hashes at "
                "most %(limit)s (MAILADMIN_WEB_IMPORT_PASSWORDS) within the request. Import "
                "it with `python manage.py mail import FILE.csv`, or give crypt hashes "
                "instead of passwords.",
                count,
            )
            raise forms.ValidationError(message % {"count": count, "limit": limit})
