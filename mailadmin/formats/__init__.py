"""The panel's date formats per language (FORMAT_MODULE_PATH), over Django's own: a time of
the audit log or the dashboard is a short numeric date and time, ISO in English (as before),
the national numeric style in French and German."""
