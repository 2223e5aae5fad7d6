"""Merging PDFs rendered separately (WeasyPrint documents) into one, safely for print shops.

WeasyPrint names a font subset ``ABCDEF+Family`` with a tag made from the font's description,
not from the glyphs it holds: two documents rendered with the same font carry two different
subsets under one name. Merged as they are, a RIP or viewer that caches fonts by name draws
the second document's text with the first one's glyphs (missing letters). Before a document is
appended, ``font_subset_tags_make_unique`` renames its subsets that clash with those already
merged.
"""

from __future__ import annotations

import hashlib
import re
import string

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

SUBSET_NAME = re.compile(r"^/([A-Z]{6})\+(.+)$")
_FONT_NAME_KEYS = {"/Font": "/BaseFont", "/FontDescriptor": "/FontName"}


def _font_dictionaries(reader: PdfReader) -> list[tuple[DictionaryObject, str]]:
    """Every font and font descriptor dictionary reachable from the document's catalogue, with
    the key that holds its name. Each indirect object is visited once; ``/Parent`` and
    ``/P`` back-links are not followed."""
    found: list[tuple[DictionaryObject, str]] = []
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer.raw_get("/Root")]
    while stack:
        value = stack.pop()
        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            if key in seen:
                continue
            seen.add(key)
            value = value.get_object()
        if isinstance(value, DictionaryObject):
            name_key = _FONT_NAME_KEYS.get(value.get("/Type"))
            if name_key and name_key in value:
                found.append((value, name_key))
            stack.extend(v for k, v in value.items() if k not in ("/Parent", "/P"))
        elif isinstance(value, ArrayObject):
            stack.extend(value)
    return found


def _new_tag(tag: str, taken: set[str]) -> str:
    """A subset tag (six capital letters) not in ``taken``, derived from ``tag``."""
    for attempt in range(1_000):
        digest = hashlib.md5(f"{tag}:{attempt}".encode(), usedforsecurity=False).digest()
        candidate = "".join(string.ascii_uppercase[byte % 26] for byte in digest[:6])
        if candidate not in taken:
            return candidate
    raise RuntimeError("no free font subset tag")  # 26**6 tags: never in practice


def font_subset_tags_make_unique(reader: PdfReader, *, taken: set[str]) -> dict[str, str]:
    """Rename, in ``reader``'s objects (before they are appended to a writer), every font subset
    whose tag is in ``taken``, then add this document's tags to ``taken``.

    A tag names one subset in a WeasyPrint document (its font, its CID font and its
    descriptor share it): all three are renamed alike. Returns ``{old tag: new tag}``.
    """
    fonts = _font_dictionaries(reader)
    tags = set()
    for dictionary, key in fonts:
        match = SUBSET_NAME.match(str(dictionary[key]))
        if match:
            tags.add(match.group(1))
    renamed: dict[str, str] = {}
    for tag in sorted(tags):
        if tag in taken:
            renamed[tag] = _new_tag(tag, taken | tags | set(renamed.values()))
    for dictionary, key in fonts:
        match = SUBSET_NAME.match(str(dictionary[key]))
        if match and match.group(1) in renamed:
            dictionary[NameObject(key)] = NameObject(f"/{renamed[match.group(1)]}+{match.group(2)}")
    taken.update(tags - renamed.keys(), renamed.values())
    return renamed
