"""Every PDF we hand out, checked as readers and print shops open it, with the Debian tools:
``qpdf --check`` (structure, no warning), Ghostscript and poppler (every page renders, nothing
on stderr), ``pdfinfo`` (Title, Author, page count), ``pdffonts`` (every font embedded, one
subset tag per font program) and the document catalogue's ``/Lang`` (pypdf).

``pdf_check(pdf)`` raises an ``AssertionError`` that lists every problem found, and returns
what it read (``PdfReport``) for the test to assert more.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pypdf import PdfReader

TOOLS = ("qpdf", "gs", "pdfinfo", "pdffonts", "pdftoppm")
SUBSET = re.compile(r"^[A-Z]{6}\+")


@dataclass
class PdfFont:
    name: str
    type: str
    embedded: bool
    subset: bool
    object_id: str


@dataclass
class PdfReport:
    pages: int
    info: dict[str, str]
    lang: str
    tagged: bool
    fonts: list[PdfFont] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def require_tools() -> None:
    """Skip (in CI: fail, see tests/conftest.py) when a Debian tool is missing."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install qpdf ghostscript poppler-utils)")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def _qpdf(path: Path, problems: list[str]) -> None:
    result = _run("qpdf", "--check", str(path))
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or "WARNING" in output.upper():
        problems.append(f"qpdf --check (exit {result.returncode}): {output[-1500:]}")


def _ghostscript(path: Path, pages: int, problems: list[str]) -> None:
    # The bbox device renders every page and prints one %%BoundingBox per page it rendered.
    result = _run("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=bbox", str(path))
    rendered = result.stderr.count("%%BoundingBox:")
    other = "\n".join(
        line
        for line in result.stderr.splitlines()
        if not line.startswith("%%HiResBoundingBox") and not line.startswith("%%BoundingBox")
    ).strip()
    if result.returncode != 0 or rendered != pages or other or result.stdout.strip():
        problems.append(
            f"Ghostscript rendered {rendered} of {pages} pages (exit {result.returncode}): "
            f"{(other + result.stdout)[-1500:]}"
        )


def _poppler(path: Path, pages: int, problems: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = _run("pdftoppm", "-r", "12", "-png", str(path), str(Path(folder) / "p"))
        rendered = len(list(Path(folder).glob("p-*.png")))
    if result.returncode != 0 or rendered != pages or result.stderr.strip():
        problems.append(
            f"pdftoppm rendered {rendered} of {pages} pages (exit {result.returncode}): "
            f"{result.stderr[-1500:]}"
        )


def _pdfinfo(path: Path, problems: list[str]) -> dict[str, str]:
    result = _run("pdfinfo", "-enc", "UTF-8", str(path))
    if result.returncode != 0 or result.stderr.strip():
        problems.append(f"pdfinfo (exit {result.returncode}): {result.stderr[-1500:]}")
    info = {}
    for line in result.stdout.splitlines():
        key, _sep, value = line.partition(":")
        info[key.strip()] = value.strip()
    for key in ("Title", "Author"):
        if not info.get(key):
            problems.append(f"pdfinfo shows no {key}")
    return info


def _pdffonts(path: Path, problems: list[str]) -> list[PdfFont]:
    result = _run("pdffonts", str(path))
    if result.returncode != 0 or result.stderr.strip():
        problems.append(f"pdffonts (exit {result.returncode}): {result.stderr[-1500:]}")
    lines = result.stdout.splitlines()
    fonts = []
    if len(lines) >= 2:
        # Columns (name, type, encoding, emb, sub, uni, object ID) as the dashes line draws them.
        spans = [match.span() for match in re.finditer(r"-+", lines[1])]
        for line in lines[2:]:
            cells = [line[start:end].strip() for start, end in spans[:-1]]
            cells.append(line[spans[-1][0] :].strip())
            if len(cells) != 7:
                continue
            name, kind, _encoding, emb, sub, _uni, object_id = cells
            fonts.append(
                PdfFont(
                    name=name,
                    type=kind,
                    embedded=emb == "yes",
                    subset=sub == "yes",
                    object_id=" ".join(object_id.split()),
                )
            )
    if not fonts:
        problems.append("pdffonts lists no font")
    for font in fonts:
        if not font.embedded:
            problems.append(f"font {font.name} is not embedded")
    tags: dict[str, set[str]] = {}
    for font in fonts:
        if SUBSET.match(font.name):
            tags.setdefault(font.name[:6], set()).add(font.object_id)
    for tag, objects in sorted(tags.items()):
        if len(objects) > 1:
            problems.append(f"subset tag {tag}+ names {len(objects)} fonts ({sorted(objects)})")
    return fonts


def pdf_check(pdf: bytes, *, tagged: bool = False) -> PdfReport:
    """Run every check on ``pdf``; ``tagged=True`` also requires a tagged PDF (a structure
    tree and ``/MarkInfo /Marked true``). Raises ``AssertionError`` listing every problem."""
    require_tools()
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    pages = len(reader.pages)
    problems: list[str] = []
    lang = str(root.get("/Lang", ""))
    if not lang:
        problems.append("the catalogue has no /Lang")
    mark_info = root.get("/MarkInfo")
    is_tagged = bool(
        "/StructTreeRoot" in root and mark_info and mark_info.get_object().get("/Marked")
    )
    if tagged and not is_tagged:
        problems.append("not a tagged PDF (no /StructTreeRoot or /MarkInfo /Marked true)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        _qpdf(path, problems)
        _ghostscript(path, pages, problems)
        _poppler(path, pages, problems)
        info = _pdfinfo(path, problems)
        fonts = _pdffonts(path, problems)
    if info.get("Pages") and int(info["Pages"]) != pages:
        problems.append(f"pdfinfo counts {info['Pages']} pages, pypdf {pages}")
    report = PdfReport(
        pages=pages, info=info, lang=lang, tagged=is_tagged, fonts=fonts, problems=problems
    )
    assert not problems, "PDF problems:\n- " + "\n- ".join(problems)
    return report
