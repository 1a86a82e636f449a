"""WSGI entry point used by `meshutaf serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

from meshutaf.core.datadir import data_dir_prepare

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshutaf.settings")
os.umask(0o077)  # the database, uploads and logs are for the site's own user only
data_dir_prepare()  # before the settings, which only read the data directory and its key
application = get_wsgi_application()
