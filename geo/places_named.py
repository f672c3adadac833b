"""Find the places a task names, and tell for each whether a feature stands for it.

A task names a place when a head noun is followed by a proper Name ("sông Kim
Ngưu", "cầu Tứ Liên", "vành đai 4"), when a head introduces a list of Names
("các con sông: Kim Ngưu, Lừ, Sét", "làng nghề tiêu biểu (Bát Tràng, Vạn Phúc, Hạ
Thái…)"), or when it writes a proper name that is a place on its own ("Cổ Loa") or
a place phrase ("khu phố cổ"). A head with no Name after it is a kind of thing,
not a place: "các khu công nghệ cao", "09 cầu", "phía Bắc sông Hồng".

Each place is then on the map when a link of that task (``data/links.csv``) has a
basis with its words, listed as ``unplaced`` with a reason when an entry of
``data/sources/named_places_facts.json`` for that task has them, and missing
otherwise. The words (heads, names, phrases, stop words) are data, in
``data/place_terms.txt``; this module holds only the grammar.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo import settings
from geo.errors import DataFileError
from geo.text import fold, nfc

PLACE_TERMS_TXT = settings.DATA_DIR / "place_terms.txt"
NAMED_PLACES_JSON = settings.DATA_DIR / "sources" / "named_places_facts.json"
STATES = ("linked", "unplaced", "missing")
PLACE_COLUMNS = ("task_id", "doc_id", "place", "state", "reason")
UNPLACED_COLUMNS = ("task_id", "place", "reason")

_KINDS = ("head", "name", "phrase", "stop", "generic", "not-head")
_HEAD_OPTIONS = ("immediate", "numbered")
_MAX_DESCRIPTIVE = 3  # lower-case words allowed between a head and its Name ("sân bay quốc tế Nội Bài")
_MAX_BEFORE_LIST = 8  # lower-case words allowed between a head and the ":" or "(" of its list
_TOKEN = re.compile(r"\w+(?:[.,]\d+)?|[^\w\s]")  # words (with "2.5", "3,5"), then each punctuation mark
_NUMBER = re.compile(r"\d+[A-Za-z]?(?:[.,]\d+)?")
_DASHES = ("-", "–", "—")
_SENTENCE_END = (".", "!", "?", "…")


@dataclass(frozen=True)
class Head:
    """A place noun of ``data/place_terms.txt``.

    Attributes
    ----------
    words : str
        Lower case, accents kept ("sông", "khu công nghệ cao").
    immediate : bool
        The Name follows at once, with no descriptive word between ("sông Lừ", "cầu Đuống").
    numbered : bool
        A number is a Name ("vành đai 4", "quốc lộ 21", "tuyến 2A").
    """

    words: str
    immediate: bool = False
    numbered: bool = False


@dataclass(frozen=True)
class PlaceVocabulary:
    """The words of the detector, read from ``data/place_terms.txt`` (see :func:`load_place_vocabulary`)."""

    heads: tuple[Head, ...]
    names: tuple[str, ...] = ()  # proper names that are places on their own, folded
    phrases: tuple[str, ...] = ()  # lower-case place phrases, accents kept
    stop: frozenset[str] = frozenset()  # capitalised words that are no place Name on their own, folded
    generic: tuple[str, ...] = ()  # words that make the next head a kind, folded ("cac", "phia bac")
    not_heads: tuple[str, ...] = ()  # phrases in which a head word is part of another word ("thành phố")


@dataclass(frozen=True)
class PlaceMention:
    """One place a text names.

    Attributes
    ----------
    head : str
        The head noun as written ("" for a proper name or a phrase standing alone).
    name : str
        The Name as written ("Kim Ngưu", "4"; the phrase itself for a phrase).
    words : str
        How the place reads: the words of the text from the head to the end of the
        Name, or head and Name for an item of a list ("sông Lừ").
    """

    head: str
    name: str
    words: str


def load_place_vocabulary(path: Path | str = PLACE_TERMS_TXT) -> PlaceVocabulary:
    """Read the words of the place detector.

    Parameters
    ----------
    path : pathlib.Path or str
        A text file of lines ``<kind>: <words>`` (kinds: head, name, phrase, stop,
        generic, not-head); a head may end with ``| immediate`` and/or ``| numbered``;
        ``#`` starts a comment line.

    Raises
    ------
    DataFileError
        If the file is missing or a line has an unknown kind or option.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        msg = f"{path}: cannot read the place words ({type(error).__name__}: {error})."
        raise DataFileError(msg) from error
    entries: dict[str, list] = {kind: [] for kind in _KINDS}
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, _, value = line.partition(":")
        kind = kind.strip()
        words, *options = (part.strip() for part in value.split("|"))
        if kind not in entries or not words:
            msg = f"{path} line {number}: expected '<kind>: <words>' with a kind among {_KINDS}, got {line!r}."
            raise DataFileError(msg)
        unknown = [option for option in options if option not in _HEAD_OPTIONS]
        if unknown or (options and kind != "head"):
            msg = f"{path} line {number}: options {options} are not allowed here (a head takes {_HEAD_OPTIONS})."
            raise DataFileError(msg)
        if kind == "head":
            entries[kind].append(Head(nfc(words).lower(), "immediate" in options, "numbered" in options))
        elif kind in ("phrase", "not-head"):
            entries[kind].append(nfc(words).lower())
        else:
            entries[kind].append(fold(words))
    return PlaceVocabulary(
        heads=tuple(sorted(entries["head"], key=lambda head: -len(head.words.split()))),
        names=tuple(entries["name"]),
        phrases=tuple(entries["phrase"]),
        stop=frozenset(entries["stop"]),
        generic=tuple(entries["generic"]),
        not_heads=tuple(entries["not-head"]),
    )


def place_mentions(text: str, vocabulary: PlaceVocabulary) -> list[PlaceMention]:
    """Return the places `text` names, in the order they appear, each once.

    Examples (with the shipped words): "Cải tạo các con sông: Kim Ngưu, Lừ, Sét" names
    sông Kim Ngưu, sông Lừ and sông Sét; "Hoàn thành 09 cầu qua sông Hồng, sông Đuống"
    names sông Hồng and sông Đuống but no bridge; "các khu công nghệ cao" names none.
    """
    tokens = _tokens(text)
    found: list[PlaceMention] = []
    seen: set[tuple[str, str]] = set()
    for mention in _Scanner(tokens, vocabulary).mentions():
        key = (fold(mention.head), fold(mention.name))
        if key not in seen:
            seen.add(key)
            found.append(mention)
    return found


def is_covered(mention: PlaceMention, texts: Iterable[str]) -> bool:
    """Return True when one of `texts` (link bases, unplaced entries) has the words of `mention`.

    Compared without accents, case or spacing, on word boundaries. A number needs its
    head too ("vành đai 4", or "vành đai: 1, 2, 2.5" holding the number); a Name
    ``A - B`` is covered as a whole only (see :func:`named_places` for its parts).
    """
    folded = [fold(text) for text in texts]
    keys = {fold(mention.words), fold(f"{mention.head} {mention.name}")}
    if any(_has_words(text, key) for text in folded for key in keys):
        return True
    name = fold(mention.name)
    if _NUMBER.fullmatch(name):
        head = fold(mention.head)
        number = re.compile(r"(?<![\w.,])" + re.escape(name) + r"(?!\w|[.,]\d)")
        return any(_has_words(text, head) and number.search(text) for text in folded)
    return any(_has_words(text, name) for text in folded)


def load_unplaced(path: Path | str = NAMED_PLACES_JSON) -> pd.DataFrame:
    """Return the ``unplaced`` entries of the named-place facts: ``task_id``, ``place``, ``reason``.

    Raises
    ------
    DataFileError
        If the file is missing, not JSON, or an entry lacks a field.
    """
    path = Path(path)
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("unplaced", [])
        rows = [{"task_id": entry["task_id"], "place": entry["place"], "reason": entry["reason"]} for entry in entries]
    except (OSError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
        msg = f"{path}: cannot read the unplaced places ({type(error).__name__}: {error})."
        raise DataFileError(msg) from error
    return pd.DataFrame(rows, columns=list(UNPLACED_COLUMNS))


def named_places(
    tasks: pd.DataFrame, links: pd.DataFrame, vocabulary: PlaceVocabulary, *, unplaced: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return every place the tasks name, with its state.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The register (indexed by task id; columns ``doc_id`` and ``task``).
    links : pandas.DataFrame
        ``data/links.csv`` (``task_id``, ``basis``).
    vocabulary : PlaceVocabulary
        The detector's words.
    unplaced : pandas.DataFrame or None
        ``task_id``, ``place``, ``reason`` (:func:`load_unplaced`); None: none.

    Returns
    -------
    pandas.DataFrame
        One row per place and task: ``task_id``, ``doc_id``, ``place`` (its words),
        ``state`` (``linked``: a link of the task has its words; ``unplaced``: an
        unplaced entry of the task has them, ``reason`` gives why; ``missing``:
        neither). A Name ``A - B`` that no text has as a whole but whose parts each
        are covered gives one row per part ("sông Cầu Bây", "sông Bắc Hưng Hải").
    """
    unplaced = unplaced if unplaced is not None else pd.DataFrame(columns=list(UNPLACED_COLUMNS))
    bases = links.groupby("task_id")["basis"].agg(list).to_dict()
    entries = {task_id: list(zip(group["place"], group["reason"], strict=True)) for task_id, group in unplaced.groupby("task_id")}
    rows = []
    for task_id, row in tasks.iterrows():
        task_bases, task_entries = bases.get(task_id, []), entries.get(task_id, [])
        for mention in place_mentions(row["task"], vocabulary):
            for part, state, reason in _states(mention, task_bases, task_entries):
                rows.append({"task_id": task_id, "doc_id": row["doc_id"], "place": part.words, "state": state, "reason": reason})
    return pd.DataFrame(rows, columns=list(PLACE_COLUMNS))


def _states(mention: PlaceMention, bases: list[str], entries: list[tuple[str, str]]) -> list[tuple[PlaceMention, str, str]]:
    whole = _state(mention, bases, entries)
    if whole[0] != "missing":
        return [(mention, *whole)]
    pieces = [piece for piece in re.split(r"\s+[-–—]\s+", mention.name) if piece]
    if len(pieces) > 1:
        parts = [PlaceMention(mention.head, piece, f"{mention.head} {piece}".strip()) for piece in pieces]
        states = [(part, *_state(part, bases, entries)) for part in parts]
        if all(state != "missing" for _, state, _ in states):
            return states
    return [(mention, "missing", "")]


def _state(mention: PlaceMention, bases: list[str], entries: list[tuple[str, str]]) -> tuple[str, str]:
    if is_covered(mention, bases):
        return "linked", ""
    for place, reason in entries:
        if is_covered(mention, [place]):
            return "unplaced", reason
    return "missing", ""


def _has_words(text: str, words: str) -> bool:
    return bool(words) and re.search(r"(?<!\w)" + re.escape(words) + r"(?!\w)", text) is not None


@dataclass(frozen=True)
class _Token:
    text: str  # as written (NFC)
    lower: str  # lower case, accents kept
    folded: str  # no accents, lower case
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()

    @property
    def number(self) -> bool:
        return _NUMBER.fullmatch(self.text) is not None


def _tokens(text: str) -> list[_Token]:
    source = nfc(text)
    return [_Token(m.group(), m.group().lower(), fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(source)]


class _Scanner:
    """Read the places of one token list (a task, or an item of a list)."""

    def __init__(self, tokens: list[_Token], vocabulary: PlaceVocabulary) -> None:
        self.tokens = tokens
        self.vocabulary = vocabulary
        self.heads = self._head_occurrences()

    def mentions(self) -> list[PlaceMention]:
        found: list[PlaceMention] = []
        covered: list[tuple[int, int]] = []  # token spans read as places
        consumed = 0
        for start, end, head in self.heads:
            if start < consumed:
                continue
            mentions, stop = self._read_head(start, end, head)
            if mentions:
                found.extend(mentions)
                covered.append((start, stop))
                consumed = stop
        found.extend(self._standalone(covered))
        return found

    # --- heads ----------------------------------------------------------------------------------------

    def _head_occurrences(self) -> list[tuple[int, int, Head]]:
        """Return (first token, token after, head) of each head, the longest at a place, none inside another."""
        blocked = {i for start, end in self._phrase_spans(self.vocabulary.not_heads) for i in range(start, end)}
        found = []
        reach = 0
        for i in range(len(self.tokens)):
            for head in self.vocabulary.heads:  # longest first
                end = self._match(i, head.words.split(), lower=True)
                if end and i >= reach and not blocked & set(range(i, end)):
                    found.append((i, end, head))
                    reach = end
                    break
        return found

    def _match(self, i: int, words: list[str], *, lower: bool) -> int:
        """Return the token after `words` when they start at token `i` (0 when they do not)."""
        if i + len(words) > len(self.tokens):
            return 0
        for offset, word in enumerate(words):
            token = self.tokens[i + offset]
            if (token.lower if lower else token.folded) != word:
                return 0
        return i + len(words)

    def _phrase_spans(self, phrases: Iterable[str], *, lower: bool = True) -> list[tuple[int, int]]:
        spans = []
        for phrase in phrases:
            words = _tokens(phrase)
            for i in range(len(self.tokens)):
                end = self._match(i, [w.lower if lower else w.folded for w in words], lower=lower)
                if end:
                    spans.append((i, end))
        return spans

    def _head_at(self, i: int) -> Head | None:
        return next((head for start, _, head in self.heads if start == i), None)

    def _read_head(self, start: int, end: int, head: Head) -> tuple[list[PlaceMention], int]:
        """Return the places a head at tokens ``start:end`` introduces and the token where they end."""
        written = " ".join(token.text for token in self.tokens[start:end])
        opener = self._list_opener(end)
        if opener is not None:
            return self._read_list(written, head, opener)
        if self._generic_before(start):
            return [], end
        i = end
        if not head.immediate:
            while i < len(self.tokens) and i - end < _MAX_DESCRIPTIVE and self._lower_word(i) and self._head_at(i) is None:
                i += 1
        names = []
        run_end = self._name_run(i, head, first_may_be_head=head.immediate)
        if run_end > i and self._is_name(i, run_end):
            names.append((i, run_end))
            while self._comma_name(run_end):  # "sân bay Gia Lâm, Hòa Lạc"
                nxt = run_end + 1
                after = self._name_run(nxt, head, first_may_be_head=False)
                if after == nxt or not self._is_name(nxt, after):
                    break
                names.append((nxt, after))
                run_end = after
        if not names:
            return [], end
        first_start, first_end = names[0]
        mentions = [PlaceMention(written, self._span(first_start, first_end), self._span(start, first_end))]
        mentions += [PlaceMention(written, self._span(a, b), f"{written} {self._span(a, b)}") for a, b in names[1:]]
        return mentions, names[-1][1]

    def _list_opener(self, i: int) -> int | None:
        """Return the token of the ":" or "(" that opens a list after a head (a few lower-case words may come first)."""
        j = i
        while j < len(self.tokens) and j - i < _MAX_BEFORE_LIST and self._lower_word(j) and self._head_at(j) is None:
            j += 1
        if j < len(self.tokens) and self.tokens[j].text in (":", "("):
            return j
        return None

    def _read_list(self, written: str, head: Head, opener: int) -> tuple[list[PlaceMention], int]:
        """Read the items after ":" (to the end of the sentence) or "(" (to its ")"), split at "," and ";"."""
        after_colon = self.tokens[opener].text == ":"
        items: list[tuple[int, int]] = []
        depth, item_start, i = 0, opener + 1, opener + 1
        while i < len(self.tokens):
            text = self.tokens[i].text
            if text == "(":
                depth += 1
            elif text == ")":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (text in (",", ";") or (after_colon and text in _SENTENCE_END)):
                items.append((item_start, i))
                item_start = i + 1
                if text in _SENTENCE_END:
                    break
            i += 1
        if item_start < i:
            items.append((item_start, i))
        mentions: list[PlaceMention] = []
        for a, b in items:
            run_end = self._name_run(a, head, first_may_be_head=False)
            if run_end > a and self._is_name(a, run_end, limit=b):
                name = self._span(a, run_end)
                mentions.append(PlaceMention(written, name, f"{written} {name}"))
            else:  # an item that is itself a place with its head: "KDL Ba Vì", "Tuyến 2A kéo dài"
                mentions.extend(_Scanner(self.tokens[a:b], self.vocabulary).mentions())
        return mentions, i

    def _name_run(self, i: int, head: Head, *, first_may_be_head: bool) -> int:
        """Return the token after the run of capitalised words (numbers after a numbered head) from `i`."""
        j = i
        while j < len(self.tokens):
            token = self.tokens[j]
            if token.is_word and (token.capitalised or (head.numbered and token.number)):
                other = self._head_at(j)
                after_dash = j > i and self.tokens[j - 1].text in _DASHES
                if other is not None and not after_dash and not (j == i and first_may_be_head):
                    break
                if other is not None and after_dash and other.words == head.words:
                    j -= 1  # "Hồ Hoàn Kiếm - Hồ Tây": a second place, not one Name
                    break
                j += 1
                continue
            if token.text in _DASHES and j > i and j + 1 < len(self.tokens):
                nxt = self.tokens[j + 1]
                if nxt.is_word and (nxt.capitalised or (head.numbered and nxt.number)):
                    j += 1
                    continue
            break
        return j

    def _is_name(self, i: int, j: int, *, limit: int | None = None) -> bool:
        """Return True when tokens ``i:j`` are a place Name, not sentence case or a stop word."""
        if fold(self._span(i, j)) in self.vocabulary.stop or self.tokens[i].folded in self.vocabulary.stop:
            return False
        limit = len(self.tokens) if limit is None else limit
        single_word = j - i == 1 and not self.tokens[i].number
        # one capitalised word and then lower-case words is the start of a sentence ("Đại học", "Phòng thí nghiệm")
        return not (single_word and j < limit and self._lower_word(j))

    def _comma_name(self, j: int) -> bool:
        return (
            j + 1 < len(self.tokens) and self.tokens[j].text == ","
            and self.tokens[j + 1].is_word and self.tokens[j + 1].capitalised and self._head_at(j + 1) is None
        )  # fmt: skip

    def _generic_before(self, i: int) -> bool:
        """Return True when a plural, a count or a direction stands just before the head at token `i`."""
        for words in self.vocabulary.generic:
            parts = words.split()
            start = i - len(parts)
            if start >= 0 and self._match(start, parts, lower=False):
                return True
        return i >= 1 and self.tokens[i - 1].number  # "09 cầu", "03-05 KDL", "3-4 khu công nghiệp"

    def _lower_word(self, i: int) -> bool:
        token = self.tokens[i]
        return token.is_word and not token.capitalised and not token.number

    def _span(self, i: int, j: int) -> str:
        """Return tokens ``i:j`` as written (their own spacing)."""
        out = self.tokens[i].text
        for previous, token in zip(self.tokens[i : j - 1], self.tokens[i + 1 : j], strict=True):
            out += (" " if token.start > previous.end else "") + token.text
        return out

    # --- names and phrases that stand alone ---------------------------------------------------------

    def _standalone(self, covered: list[tuple[int, int]]) -> list[PlaceMention]:
        inside = {i for start, stop in covered for i in range(start, stop)}
        found = []
        for start, end in self._phrase_spans(self.vocabulary.names, lower=False):
            if self.tokens[start].capitalised and not inside & set(range(start, end)):
                name = self._span(start, end)
                found.append(PlaceMention("", name, name))
        for start, end in self._phrase_spans(self.vocabulary.phrases):
            if not inside & set(range(start, end)):
                phrase = self._span(start, end)
                found.append(PlaceMention("", phrase, phrase))
        return found
