"""The proceedings book at scale: 40 talks with photos, figures, tables and 3 papers (~120 pages).

    .venv/bin/python bench/proceedings.py

Seeds a throw-away SQLite database and media folder (not timed), then runs the build as the
task worker does, in a fresh process, twice: the first build also makes the image renditions
(as after the editors' uploads), the second finds them made. Prints, for each, the wall time,
the CPU time (the wall time on an idle machine: the build uses one core), the pages and the peak
memory (maximum resident set size) of the building process, against the targets of 30 s (wall)
and 1.5 GiB. The load average is printed too: other work on the machine slows the wall time.

Environment: ``BENCH_TALKS`` (default 40), ``BENCH_DIR`` (default: a temporary folder, removed).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TALKS = int(os.environ.get("BENCH_TALKS", "40"))
TARGET_SECONDS = 30
TARGET_BYTES = 1.5 * 2**30
PARAGRAPH = (
    "Hải Phòng đã đạt được nhiều kết quả quan trọng trong chuyển đổi số: 100% dịch vụ công trực "
    "tuyến đạt mức 4 (hơn 1.700 dịch vụ); năm 2023 xử lý hơn 956.000 hồ sơ trực tuyến, chiếm "
    "90,7% tổng số hồ sơ, tăng rất nhanh từ 20% năm 2021 và 60,2% năm 2022; tỉ lệ thanh toán "
    "trực tuyến chiếm đến 50%; tỉ trọng kinh tế số ICT/GRDP ước đạt 24,5%, đứng thứ 4/63 tỉnh."
)
GIVENS = ["Khoa", "Cường", "Bảo", "Hương", "Tuấn", "Lan", "Nam", "Trang", "Đạt", "Vinh"]
SURNAMES = ["Nguyễn", "Hoàng", "Đặng", "Trần", "Lê", "Phạm", "Vũ", "Đỗ", "Ngô", "Bùi"]


def configure(workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()


def photo(seed: int, size: tuple[int, int]):
    """A photo-like JPEG (gradients and noise, so that it compresses like a photo)."""
    import io
    import random

    from django.core.files.images import ImageFile
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.effect_noise(size, 60).convert("RGB")
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        r = rng.randrange(size[0] // 8, size[0] // 2)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256), 140)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(2))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return ImageFile(buffer, name=f"photo-{seed}.jpg")


def seed() -> None:
    """The forum: 40 talks, 2 speakers each (20 people with photos and bios), a full text of
    about a page and a half with a photo, a table and a quote; 3 talks carry a 4-page paper."""
    import datetime as dt
    import json as js

    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from cms.demo import load_home
    from cms.models import AgendaPage, ForumPage, SessionPage, SessionSpeaker, Speaker
    from core.pdf import render_html_to_pdf
    from events.demo import SEED_DAY, load_event

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from core.time import HCM as hcm

    event = load_event(day=SEED_DAY)
    home = load_home(event)
    forum = ForumPage(
        title=event.name,
        slug="dien-dan",
        event=event,
        foreword="".join(f"<p>{PARAGRAPH}</p>" for _ in range(4)),
    )
    home.add_child(instance=forum)
    agenda = AgendaPage(title="Chương trình", slug="chuong-trinh")
    forum.add_child(instance=agenda)
    Image = get_image_model()
    people = []
    for n in range(20):
        name = f"{SURNAMES[n % 10]} Văn {GIVENS[(n * 3) % 10]} {n}"
        people.append(
            Speaker.objects.create(
                name=name,
                position="Giám đốc",
                organization="Công ty Cổ phần Công nghệ Hải Phòng",
                photo=Image.objects.create(title=f"Ảnh {name}", file=photo(n, (1200, 1500))),
                photo_alt=name,
                bio=f"<p>{name}. {PARAGRAPH}</p>",
            )
        )
    figures = [
        Image.objects.create(title=f"Hình {n}", file=photo(100 + n, (2400, 1600)))
        for n in range(TALKS)
    ]
    paper_html = "".join(
        f"<section style='break-before: page'><h1>Bài tham luận – trang {n + 1}</h1>"
        + f"<p>{PARAGRAPH}</p>" * 6
        + "</section>"
        for n in range(4)
    )
    paper = get_document_model().objects.create(
        title="Bài tham luận",
        file=ContentFile(render_html_to_pdf(f"<html><body>{paper_html}</body></html>"), "p.pdf"),
    )
    start = dt.datetime(2023, 12, 27, 8, 0, tzinfo=hcm)
    for n in range(TALKS):
        blocks = [
            {"type": "heading", "value": {"text": "Bối cảnh", "level": "h2"}},
            {"type": "paragraph", "value": f"<p>{PARAGRAPH}</p>" * 3},
            {
                "type": "image",
                "value": {
                    "image": {"image": figures[n].pk, "alt_text": "Hình", "decorative": False},
                    "caption": "Trưng bày giới thiệu thành tựu chuyển đổi số",
                },
            },
            {"type": "paragraph", "value": f"<p>{PARAGRAPH}</p>" * 2},
            {
                "type": "table",
                "value": {
                    "data": [["Chỉ số", "2021", "2022", "2023"]]
                    + [[f"Chỉ số {k}", "20%", "60,2%", "90,7%"] for k in range(4)],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "Kết quả chuyển đổi số",
                },
            },
            {"type": "quote", "value": {"quote": PARAGRAPH[:160], "attribution": "Diễn giả"}},
        ]
        session = SessionPage(
            title=f"Tham luận {n + 1}: dữ liệu số cho phát triển kinh tế – xã hội",
            starts_at=start + dt.timedelta(minutes=15 * n),
            ends_at=start + dt.timedelta(minutes=15 * n + 15),
            room="Hội trường chính",
            abstract=f"<p>{PARAGRAPH}</p>",
            body=js.dumps(blocks),
            paper=paper if n % 13 == 5 else None,
        )
        agenda.add_child(instance=session)
        for k in range(2):
            SessionSpeaker.objects.create(
                page=session, speaker=people[(2 * n + k) % 20], sort_order=k
            )


def build() -> None:
    """One build, as the task worker runs it; prints its figures as JSON."""
    from cms.models import ForumPage
    from cms.proceedings import services

    forum = ForumPage.objects.get()
    cpu_started = time.process_time()
    started = time.perf_counter()
    created = services.proceedings_build_create(forum=forum, enqueue=False)
    result = services.proceedings_build_run(build_id=created.pk)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    if result.status != "succeeded":
        raise SystemExit(f"build failed: {result.error}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "pages": result.page_count,
                "peak_bytes": peak,
                "pdf_bytes": result.document.file_size,
            }
        )
    )


def run(step: str, workdir: Path) -> str:
    command = [sys.executable, __file__, step, str(workdir)]
    return subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout


def main() -> None:
    given = os.environ.get("BENCH_DIR")
    workdir = Path(given) if given else Path(tempfile.mkdtemp(prefix="forumhall-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        started = time.perf_counter()
        run("seed", workdir)
        print(f"seeded {TALKS} talks in {time.perf_counter() - started:.1f} s (not timed below)")
        ok = True
        for label in ("first build (renditions made)", "second build (renditions ready)"):
            figures = json.loads(run("build", workdir).strip().splitlines()[-1])
            fast = figures["seconds"] <= TARGET_SECONDS
            small = figures["peak_bytes"] <= TARGET_BYTES
            ok = ok and fast and small
            print(
                f"{label}: {figures['pages']} pages, {figures['pdf_bytes'] / 2**20:.1f} MiB, "
                f"{figures['seconds']:.1f} s wall, {figures['cpu_seconds']:.1f} s CPU "
                f"(target ≤ {TARGET_SECONDS} s: {'ok' if fast else 'MISSED'}), peak memory "
                f"{figures['peak_bytes'] / 2**20:.0f} MiB (target ≤ 1536 MiB: "
                f"{'ok' if small else 'MISSED'})"
            )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print("all targets met" if ok else "TARGET MISSED")
    finally:
        if not given:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        configure(Path(sys.argv[2]))
        {"seed": seed, "build": build}[sys.argv[1]]()
    else:
        main()
