import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
application = get_wsgi_application()

from newsroom.cache import PageCacheApp  # noqa: E402  (needs the settings loaded above)

application = PageCacheApp(application)
