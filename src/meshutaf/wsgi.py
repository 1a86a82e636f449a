"""WSGI entry point used by `meshutaf serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshutaf.settings")
os.umask(0o077)  # the database, uploads and logs are for the site's own user only
application = get_wsgi_application()
