"""Normalise and fold Vietnamese text for display and accent-insensitive search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


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


def matches_query(text: str | None, query: str | None) -> bool:
    """Return True when every word of `query` occurs in `text`, ignoring accents and case.

    Parameters
    ----------
    text : str or None
        Text searched.
    query : str or None
        Words to find; an empty query matches everything.

    Returns
    -------
    bool
    """
    words = fold(query).split()
    haystack = fold(text)
    return all(word in haystack for word in words)
