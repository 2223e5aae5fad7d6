import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django.setup(set_prefix=False)

from config.handlers import ForumWSGIHandler  # noqa: E402 - after django.setup()

application = ForumWSGIHandler()
