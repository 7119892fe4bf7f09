"""gunicorn settings of every way the panel is served (`make run`, the Dockerfile, compose).

gunicorn reads `./gunicorn.conf.py` from its working directory; the commands also name it
with `--config`. Command-line options (bind, workers) add to these.
"""

# gunicorn's default (4094 bytes) answers a raw 414 before Django sees the request, e.g. for
# a long tracer query or a filtered list's URL; 8190 is the most gunicorn allows. Longer
# form input gets its message from the form (an address has at most 254 characters).
limit_request_line = 8190
