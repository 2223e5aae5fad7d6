"""Django set up from a bench script on a scratch database (not a bench: ``make bench`` skips
files starting with ``_``): a fresh SQLite file in the temporary folder, unless DATABASE_URL
names another database."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scratch_django(name: str) -> None:
    """Set up Django (test settings) on ``DATABASE_URL`` or on a new
    ``forumhall-bench-<name>.sqlite3``; migrate it yourself."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if "DATABASE_URL" not in os.environ:
        scratch = Path(tempfile.gettempdir()) / f"forumhall-bench-{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    import django  # noqa: PLC0415 (after the environment is set)

    django.setup()
