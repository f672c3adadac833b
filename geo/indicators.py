"""The indicator register: the numbered targets of the plans' indicator appendices.

One record per printed row of KH-DU-2026 Phụ lục 01 (the 45 indicators for 2026-2030 and their
sub-items) and Phụ lục 02 (growth by sector), and of KH-183-2021 Phụ lục 1 (the 20 indicators to
2025); ``tools/build_indicators.py`` writes ``data/indicators.csv`` from the seeds. A target keeps
its printed text (``target_raw``); :func:`parse_target` reads the number in it when there is one
and never guesses: "11.000 (năm 2030 >3%)", "9/10" or "Cơ bản không còn hộ nghèo" stay text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from geo import settings
from geo.agencies import AgencyIndex
from geo.csvio import frame_to_csv, read_data_table
from geo.errors import DataFileError, InvalidArgumentError
from geo.filters import TaskFilter
from geo.i18n import number
from geo.register import ROLES
from geo.text import fold, join_ids, matches_query, nfc

INDICATORS_CSV = settings.DATA_DIR / "indicators.csv"
RAW_COLUMNS = (
    "id", "doc_id", "appendix", "section", "section_title", "tt", "marker", "name", "unit",
    "target_raw", "period", "lead_agency_raw", "lead_from", "note", "source_line",
)  # fmt: skip
COLUMNS = (
    "id", "doc_id", "appendix", "section", "section_title", "tt", "marker", "name", "unit",
    "target_raw", "target_min", "target_max", "comparator", "period",
    "lead_agency_raw", "lead_agency", "lead_from", "note", "source_line",
)  # fmt: skip
# ">" and "<" are kept apart from ">=" and "<=": "Trên 90%" (above 90) is not "at least 90".
COMPARATORS = (">=", ">", "<=", "<", "=", "~", "range")

# Words before or after a number, matched on folded text (lower case, no accents, đ -> d).
_PREFIXES = (
    (">=", r"≥|>=|=>|toi thieu|it nhat|khong duoi|khong thap hon|tu"),
    (">", r">|tren|hon|cao hon"),
    ("<=", r"≤|<=|=<|toi da|khong qua|khong vuot qua|khong cao hon"),
    ("<", r"<|duoi|thap hon"),
    ("~", r"~|≈|khoang|xap xi|gan"),
)
_SUFFIX_AT_LEAST = r"tro len"
_SCALES = {"nghin": Decimal(1_000), "ngan": Decimal(1_000), "trieu": Decimal(1_000_000), "ty": Decimal(1_000_000_000)}
# A Vietnamese number: 11.430,0 (dots group thousands in threes, a comma marks the decimals).
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


def _quantity_pattern(name: str) -> str:
    """Return the pattern of one number with an optional scale word and %, its groups named after `name`."""
    return rf"(?P<{name}>{_NUMBER})(?:\s*(?P<{name}_scale>nghin|ngan|trieu|ty))?\s*%?"


_RANGE = re.compile(r"^(?:tu\s+)?" + _quantity_pattern("low") + r"\s*(?:-|–|—|den|toi)\s*" + _quantity_pattern("high") + "$")
_SINGLE = re.compile(
    r"^(?:(?P<word>" + "|".join(f"(?:{words})" for _, words in _PREFIXES) + r")\s*)?"
    + _quantity_pattern("value") + rf"(?:\s*(?P<suffix>{_SUFFIX_AT_LEAST}))?$"
)  # fmt: skip


@dataclass(frozen=True)
class Target:
    """A target as printed and, when it is a number, as read.

    Attributes
    ----------
    raw : str
        The text as printed.
    comparator : str
        One of ``COMPARATORS``, or ``""`` when the text is not one number or one range.
    target_min, target_max : decimal.Decimal or None
        The bounds the text states: both for "=" and "~", the low one for ">=" and ">", the high
        one for "<=" and "<", both for "range".
    """

    raw: str
    comparator: str = ""
    target_min: Decimal | None = None
    target_max: Decimal | None = None

    @property
    def is_number(self) -> bool:
        """Return True when the text was read as a number or a range."""
        return bool(self.comparator)


def parse_target(raw: str | None) -> Target:
    """Read the target text of an indicator.

    Parameters
    ----------
    raw : str or None
        As printed: "≥ 8%", "8-8,5%", "Trên 98%", "khoảng 1,3 triệu", "11.430,0", "< 3,0".

    Returns
    -------
    Target
        ``comparator=""`` and no bounds when the text is not exactly one number (with an optional
        comparator word, %, scale word "nghìn"/"triệu"/"tỷ", or "trở lên") or one range "a-b" with
        a <= b. Numbers follow Vietnamese writing: "1.203" is 1203, "29,75" is 29.75; "1.5" (a dot
        not followed by three digits) is not read.

    Examples
    --------
    >>> parse_target("Trên 98%").comparator, parse_target("Trên 98%").target_min
    ('>', Decimal('98'))
    >>> parse_target("9/10").is_number
    False
    """
    text = nfc(raw)
    folded = fold(text)
    if not folded:
        return Target(raw=text)
    match = _RANGE.match(folded)
    if match:
        low = _quantity(match.group("low"), match.group("low_scale"))
        high = _quantity(match.group("high"), match.group("high_scale"))
        if low is None or high is None or low > high:
            return Target(raw=text)
        return Target(raw=text, comparator="range", target_min=low, target_max=high)
    match = _SINGLE.match(folded)
    if not match:
        return Target(raw=text)
    value = _quantity(match.group("value"), match.group("value_scale"))
    if value is None:
        return Target(raw=text)
    comparator = _comparator(match.group("word"))
    if match.group("suffix"):
        if comparator not in ("=", ">="):
            return Target(raw=text)
        comparator = ">="
    elif match.group("word") == "tu":  # "từ 10" without "trở lên" is the start of something unsaid
        return Target(raw=text)
    low = value if comparator in ("=", "~", ">=", ">") else None
    high = value if comparator in ("=", "~", "<=", "<") else None
    return Target(raw=text, comparator=comparator, target_min=low, target_max=high)


def decimal_text(value: Decimal | None) -> str:
    """Return `value` as plain decimal text without exponent or trailing zeros ("" for None)."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def derive_indicators(raw: Iterable[Mapping[str, str]], agencies: AgencyIndex) -> pd.DataFrame:
    """Add the parsed target and the canonical lead agencies to raw indicator rows.

    Parameters
    ----------
    raw : iterable of mapping
        Rows with the keys of ``RAW_COLUMNS`` (missing keys count as empty).
    agencies : AgencyIndex
        Resolves ``lead_agency_raw``.

    Returns
    -------
    pandas.DataFrame
        One row per input row, columns ``COLUMNS``, all text (bounds as plain decimal text).
    """
    records = []
    for row in raw:
        record = {column: str(row.get(column, "") or "") for column in RAW_COLUMNS}
        target = parse_target(record["target_raw"])
        record.update(
            target_raw=target.raw,
            comparator=target.comparator,
            target_min=decimal_text(target.target_min),
            target_max=decimal_text(target.target_max),
            lead_agency=join_ids(agencies.resolve(record["lead_agency_raw"]).ids),
        )
        records.append(record)
    return pd.DataFrame.from_records(records, columns=list(COLUMNS))


def write_indicators(indicators: pd.DataFrame, path: Path | str) -> None:
    """Write the indicator register as UTF-8 CSV (no BOM), formula-looking cells neutralised (:mod:`geo.csvio`)."""
    Path(path).write_bytes(frame_to_csv(indicators.loc[:, list(COLUMNS)], bom=False))


def load_indicators(path: Path | str = INDICATORS_CSV) -> pd.DataFrame:
    """Load the indicator register.

    Parameters
    ----------
    path : pathlib.Path or str
        ``indicators.csv`` written by :func:`write_indicators`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``id``; ``target_min`` and ``target_max`` are floats (NaN where the target
        states no such bound), every other column is text.

    Raises
    ------
    DataFileError
        If the file is missing, lacks a column, repeats an id or holds a bound that is not a number.
    """
    table = read_data_table(path, columns=COLUMNS, what="indicator register", unique="id", builder="tools/build_indicators.py")
    for column in ("target_min", "target_max"):
        try:
            table[column] = [float(Decimal(value)) if value else float("nan") for value in table[column]]
        except InvalidOperation as error:
            msg = f"{path}: column {column!r} must hold numbers or nothing ({error})."
            raise DataFileError(msg) from error
    return table.set_index("id", drop=False)


def filter_indicators(
    indicators: pd.DataFrame,
    *,
    agencies: Sequence[str] = (),
    role: str = "any",
    include_predecessors: bool = True,
    agency_index: AgencyIndex | None = None,
    docs: Sequence[str] = (),
    query: str = "",
) -> pd.DataFrame:
    """Select the indicators whose lead agency, document and text match.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The register, as returned by :func:`load_indicators`.
    agencies : sequence of str
        Agency ids (or names the agency table lists); an indicator matches when one of them
        leads it ("Chủ trì báo cáo"). Empty: no agency filter.
    role : {"any", "lead", "coordinating"}
        The shared filter's role: the appendices name only the reporting lead, so "coordinating"
        matches no indicator and "any" is the same as "lead".
    include_predecessors : bool
        Also match the agencies merged into the chosen ones in 2025 (Sở Kế hoạch và Đầu tư for
        Sở Tài chính, ...), through :meth:`geo.agencies.AgencyIndex.with_predecessors`.
    agency_index : AgencyIndex or None
        Required when `agencies` is not empty.
    docs : sequence of str
        Document ids; empty: all. A document without indicators (CTr-NQ02-2026, KH-57-TU-2026)
        matches none.
    query : str
        Words searched (accents optional) in the name, unit, target and lead agency as written.

    Returns
    -------
    pandas.DataFrame
        The matching rows, with the input's index and columns.

    Raises
    ------
    InvalidArgumentError
        If `role` is unknown or `agencies` is given without `agency_index`.
    UnknownValueError
        If an agency is unknown.
    """
    if role not in ROLES:
        msg = f"role must be one of {ROLES}, got {role!r}."
        raise InvalidArgumentError(msg)
    keep = pd.Series(True, index=indicators.index)
    if agencies:
        if agency_index is None:
            msg = "agency_index is required to filter by agency."
            raise InvalidArgumentError(msg)
        hit = agency_index.matches(indicators["lead_agency"], agencies, include_predecessors=include_predecessors)
        keep &= hit & (role != "coordinating")  # the appendices name only the reporting lead
    if docs:
        keep &= indicators["doc_id"].isin(docs)
    if query and query.strip():
        haystack = (
            indicators["name"] + " " + indicators["unit"] + " " + indicators["target_raw"] + " " + indicators["lead_agency_raw"]
        )
        keep &= haystack.map(lambda text: matches_query(text, query))
    return indicators.loc[keep]


def filter_by_choice(indicators: pd.DataFrame, choice: TaskFilter, agency_index: AgencyIndex) -> pd.DataFrame:
    """Return the indicators matching the shared filter `choice` (a :class:`geo.filters.TaskFilter`).

    Its agencies, role, predecessor switch, documents and search apply; its deadline, date, layer
    and status choices concern tasks and features, not indicators.
    """
    return filter_indicators(
        indicators,
        agencies=choice.agencies,
        role=choice.role,
        include_predecessors=choice.include_predecessors,
        agency_index=agency_index,
        docs=choice.docs,
        query=choice.query,
    )


def target_label(comparator: str, target_min: float, target_max: float, *, lang: str = "vi") -> str:
    """Return a parsed target in words for readers of `lang` ("≥ 68", "65 – 70", "≈ 30", "= 11.430"); "" for text.

    Parameters
    ----------
    comparator : str
        One of ``COMPARATORS`` or ``""``.
    target_min, target_max : float
        The bounds as loaded by :func:`load_indicators` (NaN where absent).
    lang : str
        "vi" (11.430,5) or "en" (11,430.5).
    """
    if not comparator:
        return ""
    low, high = _number_text(target_min, lang), _number_text(target_max, lang)
    if comparator == "range":
        return f"{low} – {high}"
    symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "~": "≈"}[comparator]
    return f"{symbol} {low if comparator in ('>=', '>', '=', '~') else high}"


def counts_per_appendix(indicators: pd.DataFrame) -> pd.Series:
    """Return the number of indicator rows per "document · appendix" (in order of first appearance)."""
    keys = indicators["doc_id"] + " · " + indicators["appendix"]
    return keys.value_counts(sort=False)


def _comparator(word: str | None) -> str:
    if not word:
        return "="
    for comparator, words in _PREFIXES:
        if re.fullmatch(words, word):
            return comparator
    return "="


def _quantity(number: str, scale: str | None) -> Decimal | None:
    try:
        value = Decimal(number.replace(".", "").replace(",", "."))
    except InvalidOperation:
        return None
    return value * _SCALES[scale] if scale else value


def _number_text(value: float, lang: str) -> str:
    text = format(Decimal(repr(float(value))).normalize(), "f")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number(float(value), lang, decimals)
