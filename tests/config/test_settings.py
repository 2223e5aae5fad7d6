import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_extra):
    dropped = {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", env_extra={"DJANGO_SETTINGS_MODULE": "config.settings.production"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_passes_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "k" * 20 + "-production-test-key-" + "q7Z#p" * 6,
            "ALLOWED_HOSTS": "forum.example.vn",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True


def test_sqlite_is_set_up_for_concurrent_writers(db):
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        assert "django.contrib.postgres" in settings.INSTALLED_APPS
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def _database_options(env_extra: dict) -> dict:
    """The default database's OPTIONS as the settings build them from this environment."""
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", **env_extra}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_prepares_the_scan_and_keeps_the_urls_options():
    url = "postgres://forum:secret@db.example.vn:5432/forum?sslmode=require"
    options = _database_options({"DATABASE_URL": url})
    timeouts = {"connect_timeout": 5, "options": "-c statement_timeout=30000"}
    assert options == {"sslmode": "require", "prepare_threshold": 5, **timeouts}
    off = _database_options({"DATABASE_URL": url, "DATABASE_PREPARED_STATEMENTS": "0"})
    assert off == {"sslmode": "require", **timeouts}


def test_postgresql_timeouts_come_from_the_environment():
    url = "postgres://forum:secret@db.example.vn:5432/forum"
    env = {"DATABASE_URL": url, "DATABASE_CONNECT_TIMEOUT": "2"}
    options = _database_options({**env, "DATABASE_STATEMENT_TIMEOUT": "1500"})
    assert options["connect_timeout"] == 2
    assert options["options"] == "-c statement_timeout=1500"
    unlimited = _database_options({**env, "DATABASE_STATEMENT_TIMEOUT": "0"})
    assert "options" not in unlimited
