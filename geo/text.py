"""Normalise and fold Vietnamese text for display and accent-insensitive search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
LIST_SEPARATOR = ";"  # how a list of ids is written in one CSV cell ("so-xay-dung;so-tai-chinh")


def split_ids(value: object) -> list[str]:
    """Split a ``;``-separated id list as stored in one cell, dropping empty parts and spaces."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, (list, tuple)):
        return [str(part).strip() for part in value if str(part).strip()]
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def join_ids(values: object) -> str:
    """Join ids into one cell with the list separator (the inverse of :func:`split_ids`)."""
    return LIST_SEPARATOR.join(split_ids(values))


def nfc(text: str | None) -> str:
    """Return `text` in Unicode NFC with runs of whitespace collapsed to one space.

    Parameters
    ----------
    text : str or None
        Any text; ``None`` gives ``""``.

    Returns
    -------
    str
    """
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    return _SPACES.sub(" ", text).strip()


def fold(text: str | None) -> str:
    """Return `text` lower-cased with accents removed and đ folded to d, for search.

    "Cầu Tứ Liên" and "cau tu lien" fold to the same string.

    Parameters
    ----------
    text : str or None
        Any text; ``None`` gives ``""``.

    Returns
    -------
    str
    """
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.casefold()


def query_pattern(query: str | None) -> re.Pattern[str] | None:
    """Return a regex that finds `query` as a phrase starting at a word, in folded text.

    Returns ``None`` for an empty query (which matches everything).
    """
    words = fold(query).split()
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words))


def matches_query(text: str | None, query: str | None) -> bool:
    """Return True when `query` occurs in `text` as a phrase, ignoring accents and case.

    "cau tu lien" finds "Cầu Tứ Liên" but not "đầu tư ... liên kết".

    Parameters
    ----------
    text : str or None
        Text searched.
    query : str or None
        Phrase to find; an empty query matches everything.

    Returns
    -------
    bool
    """
    pattern = query_pattern(query)
    return pattern is None or pattern.search(fold(text)) is not None

