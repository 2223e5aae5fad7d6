"""The book's font (Be Vietnam Pro, full TTFs from npm, declared in static/css/fonts.css) and
the pre-flight check of its coverage: every character of the content the font cannot draw."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.staticfiles import finders
from fontTools.ttLib import TTFont

#: The faces the book uses (regular, italic, semi-bold, bold), as static paths.
BOOK_FONT_FILES = (
    "vendor/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf",
    "vendor/be-vietnam-pro/400Regular_Italic/BeVietnamPro_400Regular_Italic.ttf",
    "vendor/be-vietnam-pro/600SemiBold/BeVietnamPro_600SemiBold.ttf",
    "vendor/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf",
)

# Characters that are never drawn as glyphs: controls, format characters (soft hyphen, joiners,
# direction marks) and line or paragraph separators.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}


@dataclass
class MissingGlyph:
    """A character of the content that the book's font cannot draw, and where it occurs."""

    char: str
    where: list[str] = field(default_factory=list)

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def name(self) -> str:
        return unicodedata.name(self.char, "")

    def as_dict(self) -> dict:
        return {
            "char": self.char,
            "codepoint": self.codepoint,
            "name": self.name,
            "where": self.where,
        }


def font_paths() -> list[Path]:
    """The files of the book's font, found like any static file."""
    paths = []
    for name in BOOK_FONT_FILES:
        found = finders.find(name)
        if not found:
            raise FileNotFoundError(f"Font file missing (run `npm ci`): {name}")
        paths.append(Path(found))
    return paths


@functools.cache
def _cmap(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def font_codepoints() -> frozenset[int]:
    """Code points that every face of the book's font can draw."""
    sets = [_cmap(path) for path in font_paths()]
    return frozenset.intersection(*sets)


def missing_glyphs(texts: Iterable[tuple[str, str]], *, limit_where: int = 5) -> list[MissingGlyph]:
    """Characters of ``texts`` (pairs of where, text) outside the font, in order of first use.

    Text is checked in NFC (the form the book prints). Spaces and invisible characters are
    skipped. Side effects: none.
    """
    covered = font_codepoints()
    found: dict[str, MissingGlyph] = {}
    for where, text in texts:
        for char in dict.fromkeys(unicodedata.normalize("NFC", text or "")):
            if ord(char) in covered or char.isspace():
                continue
            if unicodedata.category(char) in _INVISIBLE:
                continue
            entry = found.setdefault(char, MissingGlyph(char=char))
            if where not in entry.where and len(entry.where) < limit_where:
                entry.where.append(where)
    return list(found.values())
