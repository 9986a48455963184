import os

from django.core.wsgi import get_wsgi_application

from hubmod.middleware import utf8_only

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubmod.settings")
application = utf8_only(get_wsgi_application())
