"""Media on S3-compatible storage (``MEDIA_STORAGE=s3``, django-storages) against a real S3
server (moto's server mode on a free port): logos, badge sheets, papers, images and built books
are written and read through Django's storage API only, so any app server or worker finds them."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader
from wagtail.documents import get_document_model

from cms.proceedings import services as proceedings
from cms.proceedings.enums import BuildStatus
from core.pdf import RestrictedURLFetcher, media_url
from events.models import BadgeBatch
from events.services import badge_batch_build, badge_batch_create, registration_create
from tests.conftest import ensure_wagtail_tree
from tests.factories.events import make_category, make_event
from tests.factories.exhibitors import make_exhibitor
from tests.factories.proceedings import make_forum
from tests.factories.servers import S3Server

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_server():
    server = S3Server()
    yield server
    server.stop()


@pytest.fixture
def s3(s3_server, settings, tmp_path):
    # Nothing may land on disk: MEDIA_ROOT points at a folder that must stay empty.
    settings.MEDIA_ROOT = str(tmp_path / "local-media")
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage_settings()}
    assert default_storage.__class__.__name__ == "S3Storage"
    yield s3_server
    assert not (tmp_path / "local-media").exists()


def new_keys(server: S3Server, before: set[str]) -> list[str]:
    return sorted(set(server.object_keys()) - before)


def test_media_storage_s3_setting_selects_django_storages_and_local_stays_the_default():
    script = (
        "import json, django; django.setup(); from django.conf import settings;"
        "print(json.dumps(settings.STORAGES['default']))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "MEDIA_STORAGE"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

    def default_storage_with(**extra):
        result = subprocess.run(
            [sys.executable, "-c", script],
            env={**env, **extra},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(result.stdout.splitlines()[-1])

    assert default_storage_with() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    s3 = default_storage_with(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="forum-media",
        AWS_S3_ENDPOINT_URL="http://10.0.0.5:9000",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_S3_CUSTOM_DOMAIN="forum.example.vn/media",
    )
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert {k: s3["OPTIONS"][k] for k in ("bucket_name", "endpoint_url", "custom_domain")} == {
        "bucket_name": "forum-media",
        "endpoint_url": "http://10.0.0.5:9000",
        "custom_domain": "forum.example.vn/media",
    }
    assert (s3["OPTIONS"]["file_overwrite"], s3["OPTIONS"]["addressing_style"]) == (False, "path")


def test_exhibitor_logo_is_stored_in_the_bucket(s3):
    out = io.BytesIO()
    Image.new("RGB", (300, 120), "#e4002b").save(out, format="PNG")
    before = set(s3.object_keys())
    exhibitor = make_exhibitor(logo=SimpleUploadedFile("logo.png", out.getvalue()))
    assert new_keys(s3, before) == [exhibitor.logo.name]
    assert exhibitor.logo.name.startswith("exhibitors/logos/")
    with exhibitor.logo.open("rb") as handle:
        assert Image.open(handle).size == (300, 120)


def test_badge_sheet_is_built_into_the_bucket_and_read_back(s3, client):
    event = make_event()
    category = make_category(event, name="Đại biểu")
    for n in range(5):
        registration_create(
            event=event,
            category=category,
            full_name=f"Nguyễn Văn {n}",
            email=f"v{n}@example.com",
            skip_email_confirmation=True,
        )
    before = set(s3.object_keys())
    batch = badge_batch_create(event=event, category=category)
    assert badge_batch_build(batch_id=batch.pk) == BadgeBatch.Status.DONE
    batch.refresh_from_db()
    assert new_keys(s3, before) == [batch.file.name]
    body = s3.client().get_object(Bucket=s3.bucket, Key=batch.file.name)["Body"].read()
    assert len(PdfReader(io.BytesIO(body)).pages) == 2  # four badges a sheet


def test_pdf_renderer_reads_media_through_the_storage(s3):
    default_storage.save("photos/khoa.png", io.BytesIO(b"\x89PNG fake"))
    fetcher = RestrictedURLFetcher()
    url = "https://pdf.forumhall.invalid" + media_url("photos/khoa.png")
    response = fetcher.fetch(url)
    assert response.read() == b"\x89PNG fake"
    with pytest.raises(ValueError, match="URL not allowed"):
        fetcher.fetch("https://pdf.forumhall.invalid/media/photos/missing.png")
    with pytest.raises(ValueError, match="URL not allowed"):
        fetcher.fetch("https://pdf.forumhall.invalid/media/../secret.png")
    assert fetcher.served == [url]


def test_proceedings_book_reads_papers_and_images_from_the_bucket(s3):
    ensure_wagtail_tree()
    fixture = make_forum(sessions=3, paper_pages=2, images=True)
    build = proceedings.proceedings_build_create(forum=fixture.forum, enqueue=False)
    build = proceedings.proceedings_build_run(build_id=build.pk)
    assert build.status == BuildStatus.SUCCEEDED, build.error
    problems = {item["code"] for item in build.report["items"]}
    assert not problems & {"image_missing", "paper_unreadable"}
    assert build.report["papers"] == 1
    keys = s3.object_keys()
    assert build.document.file.name in keys
    assert any(key.startswith("original_images/") for key in keys)  # photos and logos
    assert any(key.startswith("images/") for key in keys)  # their print renditions
    with build.document.file.open("rb") as handle:
        book = PdfReader(io.BytesIO(handle.read()))
    assert len(book.pages) == build.page_count


def test_documents_are_streamed_from_the_bucket_by_wagtails_view(s3, client):
    document = get_document_model()(
        title="Bài tham luận", file=ContentFile(b"%PDF-1.7 paper", name="tham-luan.pdf")
    )
    document.save()
    assert document.file.name in s3.object_keys()
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 paper"
