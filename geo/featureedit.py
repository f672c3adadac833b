"""Correct and add features: reshape, add, link, unlink, retire, revert, each a checked new version with a source and a reason.

Every operation takes the data of record first (:class:`geo.view.PlanningData`, whose
``base_features`` and ``base_links`` are version 0 of each shipped feature), checks
the change against the layer (:mod:`geo.geomcheck`: geometry type, validity, inside the
Hà Nội region, latitude/longitude order) and the register (a link's basis must be words
of its task), then appends the whole feature as its next version through
:func:`geo.store.feature_versions.save_version` (permission, no lost update, audit).
A new geometry always says where it comes from: ``surveyed`` (an official drawing or
survey file, named) or ``edited`` (drawn over a named basemap at a zoom); a guess is
never passed off as survey. :func:`apply_versions` lays the current approved versions
over the base, for the view (:mod:`geo.overlay`).

Examples
--------
>>> version = edit_geometry(store, editor, data, "bridge-tu-lien", line, quality="surveyed",  # doctest: +SKIP
...                         source="Bản vẽ mặt bằng tổng thể, Sở Xây dựng 2026", reason="alignment from the drawing", expected_seq=0)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError, problem
from geo.features import OPENS_KINDS, feature_problems, features_from_geojson
from geo.geomcheck import LAYER_GEOMETRIES, check_geometry, raise_for
from geo.i18n import t
from geo.links import basis_in_task
from geo.store.feature_versions import (
    ACTION_PERMISSIONS,
    FeatureVersion,
    feature_history,
    pending_conflict,
    save_version,
)
from geo.store.roles import User, require
from geo.text import fold

if TYPE_CHECKING:
    from geo.layer_specs import Registry
    from geo.store.service import Store


class PlanningData(Protocol):
    """What the operations read of :class:`geo.view.PlanningData` (not imported: the view imports the overlay)."""

    features: gpd.GeoDataFrame
    links: pd.DataFrame
    tasks: pd.DataFrame
    registry: Registry
    base_features: gpd.GeoDataFrame | None
    base_links: pd.DataFrame | None

    @property
    def context(self) -> dict[str, gpd.GeoDataFrame]:
        """The context layers (the boundary is used)."""

EDIT_QUALITIES: Final[tuple[str, ...]] = ("surveyed", "edited")
MAX_REASON_CHARS: Final[int] = 1_000
MAX_NAME_CHARS: Final[int] = 300
MAX_ZOOM: Final[int] = 22
DATE_FIELDS: Final[tuple[str, ...]] = (
    *(f"{field}{suffix}" for field in ("construction_start", "opens") for suffix in ("", "_precision", "_source")), "opens_kind",
)
STATUS_DATE: Final[re.Pattern[str]] = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
NEW_FEATURE_ID: Final[re.Pattern[str]] = re.compile(r"[a-z0-9][a-z0-9-]{2,79}")
PROVENANCE_KEYS: Final[tuple[str, ...]] = (
    "geometry_quality", "geometry_source", "geometry_basemap", "geometry_zoom", "geometry_file", "geometry_file_sha256",
)  # fmt: skip
_SKIP = frozenset({"id", "layer", "geometry", "task_ids", "status_as_of", "status_basis"})


def base_version(data: PlanningData, feature_id: str) -> FeatureVersion | None:
    """Return version 0 of a shipped feature (data/projects.geojson and data/links.csv), or None for a feature added later."""
    features = data.base_features if data.base_features is not None else data.features
    links = data.base_links if data.base_links is not None else data.links
    if feature_id not in features.index:
        return None
    row = features.loc[feature_id]
    whole = _whole_columns(features)
    properties = {key: _plain(value, whole=key in whole) for key, value in row.items() if key not in _SKIP and not _missing(value)}
    pairs = links[links["feature_id"] == feature_id]
    return FeatureVersion(
        id=None, feature_id=str(feature_id), seq=0, action="base", layer=str(row["layer"]), properties=properties,
        geometry=row.geometry, links=tuple(zip(pairs["task_id"], pairs["basis"], strict=True)), retired=False, reason="",
        author="data/", created_at=None, review="approved",
    )  # fmt: skip


def versions(data: PlanningData, store: Store, feature_id: str) -> list[FeatureVersion]:
    """Return every version of the feature, newest first, version 0 (the base) last when it has one.

    Raises
    ------
    UnknownValueError
        If the feature is neither shipped nor in the store.
    """
    found = feature_history(store, feature_id)
    base = base_version(data, feature_id)
    if base is not None:
        found.append(base)
    if not found:
        raise problem(UnknownValueError, "err.feature_unknown", feature_id=feature_id)
    return found


def working_version(data: PlanningData, store: Store, feature_id: str) -> FeatureVersion:
    """Return the version editors look at: the newest approved or pending one (a pending one is shown, not built on)."""
    return shown_version(versions(data, store, feature_id))


def shown_version(found: list[FeatureVersion]) -> FeatureVersion:
    """Return, of a feature's versions newest first (:func:`versions`), the one editors look at (not a rejected one)."""
    return next(version for version in found if version.review != "rejected")


def current_version(data: PlanningData, store: Store, feature_id: str) -> FeatureVersion:
    """Return the version every change starts from: the newest approved one (or the shipped one).

    Raises
    ------
    UnknownValueError
        For an unknown feature.
    ConflictError
        For a feature added and still waiting for review (it has no approved version yet).
    """
    found = versions(data, store, feature_id)
    approved = next((version for version in found if version.review == "approved"), None)
    if approved is None:
        raise pending_conflict(feature_id, vars(next(version for version in found if version.review == "pending")))
    return approved


def provenance(
    quality: str, source: str, *, basemap: str = "", zoom: int | None = None, file_name: str = "", file_sha256: str = ""
) -> dict[str, Any]:
    """Return the provenance properties of a new geometry, checked.

    ``surveyed`` needs the drawing or survey file named in `source`; ``edited`` also
    needs the `basemap` it was drawn over and the `zoom`. The uploaded file, when there
    is one, is named with its SHA-256 in ``geometry_source``.

    Raises
    ------
    InvalidArgumentError
        For another quality, a missing source, basemap or zoom, or a text over its limit.
    """
    if quality not in EDIT_QUALITIES:
        raise problem(InvalidArgumentError, "err.edit_quality", quality=quality)
    source = _text(source, "source", settings.MAX_SOURCE_CHARS, key="err.edit_source_missing")
    out: dict[str, Any] = {"geometry_quality": quality}
    if quality == "edited":
        basemap = str(basemap or "").strip()
        if not basemap or zoom is None:
            raise problem(InvalidArgumentError, "err.edit_basemap_missing")
        _text(basemap, "basemap", 200)
        if isinstance(zoom, bool) or not isinstance(zoom, int | float) or not math.isfinite(zoom) or not 0 <= zoom <= MAX_ZOOM:
            raise problem(InvalidArgumentError, "err.edit_zoom", zoom=zoom)
        zoom = int(zoom)
        text = t("edit.source_edited", "en", basemap=basemap, zoom=zoom, source=source)
        out.update(geometry_basemap=basemap, geometry_zoom=zoom)
    else:
        text = t("edit.source_surveyed", "en", source=source)
    if file_name:
        _text(file_name, "file name", 255)
        text += f"; {t('edit.file_note', 'en', file=file_name, sha=file_sha256[:12])}"
        out.update(geometry_file=file_name, geometry_file_sha256=file_sha256)
    out["geometry_source"] = text
    return out


def edit_geometry(
    store: Store, user: User | None, data: PlanningData, feature_id: str, geometry: shapely.Geometry, *, quality: str, source: str,
    reason: str, expected_seq: int, basemap: str = "", zoom: int | None = None, file_name: str = "", file_sha256: str = "",
    accept_repair: bool = False,
) -> FeatureVersion:
    """Give a feature a new geometry with its provenance; return the saved version.

    Raises
    ------
    PermissionDenied
        If `user` may not edit geometry (a viewer, a reporter).
    InvalidArgumentError
        For a geometry the layer cannot take (:func:`geo.geomcheck.check_geometry`; an
        invalid one names the repair, applied only with `accept_repair`), a missing
        provenance or reason.
    UnknownValueError
        For an unknown feature. A retired one must be reverted first.
    ConflictError
        If someone saved a version after `expected_seq`.
    """
    _require(user, "edit", feature_id)
    current = _live(data, store, feature_id)
    checked = _geometry(data, current.layer, geometry, accept_repair=accept_repair)
    props = {key: value for key, value in current.properties.items() if key not in PROVENANCE_KEYS}
    props.update(provenance(quality, source, basemap=basemap, zoom=zoom, file_name=file_name, file_sha256=file_sha256))
    return _save(store, user, current, "edit", reason, expected_seq, properties=props, geometry=checked)


def add_feature(
    store: Store, user: User | None, data: PlanningData, *, layer: str, name: str, name_en: str, status: str, status_date: str,
    status_source: str, geometry: shapely.Geometry, quality: str, source: str, reason: str, feature_id: str = "",
    basemap: str = "", zoom: int | None = None, file_name: str = "", file_sha256: str = "", dates: Mapping[str, str] | None = None,
    accept_repair: bool = False,
) -> FeatureVersion:
    """Add a feature to a project layer (names in Vietnamese and English, status with its date and source); return version 1.

    `dates` may hold ``construction_start``, ``opens`` (with ``opens_kind`` ``actual`` or
    ``target``), their ``*_precision`` and ``*_source``, for the time slider. The id is
    `feature_id`, or made from the layer and the English name.

    Raises
    ------
    InvalidArgumentError
        For an unknown layer, a status the layer does not allow, a missing name or source,
        a malformed date, a geometry the layer cannot take, an id already used.
    PermissionDenied
        If `user` may not add features.
    """
    _require(user, "add", feature_id or name_en)
    layers = data.registry.ids("project")
    if layer not in layers:
        raise problem(InvalidArgumentError, "err.layer_not_project", layer=layer, layers=", ".join(layers))
    name = _text(name, "name (Vietnamese)", MAX_NAME_CHARS)
    name_en = _text(name_en, "name (English)", MAX_NAME_CHARS)
    allowed = data.registry.get(layer).statuses or settings.STATUSES
    if status not in allowed:
        raise problem(InvalidArgumentError, "err.edit_status", status=status, layer=layer, allowed=", ".join(allowed))
    new_id = feature_id.strip() or _new_id(layer, name_en)
    if not NEW_FEATURE_ID.fullmatch(new_id):
        raise problem(InvalidArgumentError, "err.feature_id_bad", feature_id=new_id)
    features = data.base_features if data.base_features is not None else data.features
    if new_id in features.index or feature_history(store, new_id):
        raise problem(InvalidArgumentError, "err.feature_exists", feature_id=new_id)
    checked = _geometry(data, layer, geometry, accept_repair=accept_repair)
    props: dict[str, Any] = {
        "name": name, "name_en": name_en, "status": status, "status_date": _status_date(status_date),
        "status_source": _text(status_source, "status source", settings.MAX_SOURCE_CHARS), "note": "",
    }  # fmt: skip
    for key, value in (dates or {}).items():
        if key not in DATE_FIELDS:
            raise problem(InvalidArgumentError, "err.date_field", field=key, allowed=", ".join(DATE_FIELDS))
        props[key] = _text(value, key, settings.MAX_SOURCE_CHARS, required=False)
    if props.get("opens_kind") and props["opens_kind"] not in OPENS_KINDS:
        raise problem(InvalidArgumentError, "err.feature_checks", feature_id=new_id,
                      problems=f"opens_kind {props['opens_kind']!r} is not one of {OPENS_KINDS}")  # fmt: skip
    props.update(provenance(quality, source, basemap=basemap, zoom=zoom, file_name=file_name, file_sha256=file_sha256))
    _check_properties(data, new_id, layer, props, checked)
    version = FeatureVersion(id=None, feature_id=new_id, seq=0, action="add", layer=layer, properties={}, geometry=checked, links=(),
                             retired=False, reason="", author="", created_at=None, review="approved")  # fmt: skip
    return _save(store, user, version, "add", reason, 0, properties=props, geometry=checked)


def link_task(
    store: Store, user: User | None, data: PlanningData, feature_id: str, task_id: str, basis: str, *, reason: str, expected_seq: int
) -> FeatureVersion:
    """Link the feature to a task, with the words of the task that name the object (`basis`); return the new version.

    Raises
    ------
    InvalidArgumentError
        If the task is unknown, already linked, or `basis` is not words of its text.
    """
    _require(user, "link", feature_id)
    current = _live(data, store, feature_id)
    if task_id not in data.tasks.index:
        raise problem(InvalidArgumentError, "err.task_unknown", task_id=task_id)
    if task_id in {task for task, _ in current.links}:
        raise problem(InvalidArgumentError, "err.link_exists", feature_id=feature_id, task_id=task_id)
    basis = _text(basis, "basis", MAX_NAME_CHARS)
    if not basis_in_task(basis, data.tasks.at[task_id, "task"]):
        raise problem(InvalidArgumentError, "err.link_basis", basis=basis, task_id=task_id)
    return _save(store, user, current, "link", reason, expected_seq, links=(*current.links, (task_id, basis)))


def unlink_task(
    store: Store, user: User | None, data: PlanningData, feature_id: str, task_id: str, *, reason: str, expected_seq: int
) -> FeatureVersion:
    """Remove the feature's link to a task (kept in the history); return the new version."""
    _require(user, "unlink", feature_id)
    current = _live(data, store, feature_id)
    if task_id not in {task for task, _ in current.links}:
        raise problem(InvalidArgumentError, "err.link_missing", feature_id=feature_id, task_id=task_id)
    links = tuple(pair for pair in current.links if pair[0] != task_id)
    return _save(store, user, current, "unlink", reason, expected_seq, links=links)


def retire_feature(store: Store, user: User | None, data: PlanningData, feature_id: str, *, reason: str, expected_seq: int) -> FeatureVersion:
    """Retire a feature: hidden from the map, kept with its history (revert brings it back); return the new version."""
    _require(user, "retire", feature_id)
    current = _live(data, store, feature_id)
    return _save(store, user, current, "retire", reason, expected_seq, retired=True)


def revert_feature(
    store: Store, user: User | None, data: PlanningData, feature_id: str, *, to_seq: int, reason: str, expected_seq: int
) -> FeatureVersion:
    """Make version `to_seq` current again, as a new version (0: the base of record); return it.

    Raises
    ------
    InvalidArgumentError
        If the feature has no version `to_seq`, or is already as that version.
    """
    _require(user, "revert", feature_id)
    known = versions(data, store, feature_id)
    target = next((version for version in known if version.seq == to_seq), None)
    if target is None:
        raise problem(InvalidArgumentError, "err.revert_unknown_seq", feature_id=feature_id, seq=to_seq,
                      known=", ".join(str(version.seq) for version in reversed(known)))  # fmt: skip
    if target.review != "approved":
        raise problem(InvalidArgumentError, "err.revert_not_approved", feature_id=feature_id, seq=to_seq, review=target.review)
    current = current_version(data, store, feature_id)
    if current.same_content(target):
        raise problem(InvalidArgumentError, "err.revert_same", feature_id=feature_id, seq=to_seq)
    reason = _text(reason, "reason", MAX_REASON_CHARS)
    return _save(store, user, target, "revert", f"revert to version {to_seq}: {reason}", expected_seq,
                 properties=target.properties, geometry=target.geometry, links=target.links, retired=target.retired)  # fmt: skip


def geometry_from_drawings(drawings: Iterable[Mapping[str, Any]] | None, layer_geometry: str) -> shapely.Geometry | None:
    """Return the geometry the map's drawings make for a layer, or None when nothing fits.

    `drawings` are the GeoJSON features Leaflet.draw holds (streamlit-folium's
    ``all_drawings``: the reshaped feature and anything drawn since). A point layer takes
    the last point drawn; a line layer every line (several make a MultiLineString); a
    polygon layer every polygon, merged. Shapes of another kind are left out.
    """
    kinds = LAYER_GEOMETRIES[layer_geometry]
    shapes = []
    for drawing in drawings or ():
        try:
            shape = shapely.geometry.shape(drawing.get("geometry") or {})
        except (TypeError, ValueError, AttributeError, shapely.errors.ShapelyError):
            continue
        if shape.geom_type in kinds and not shape.is_empty:
            shapes.append(shape)
    if not shapes:
        return None
    if layer_geometry == "point":
        return shapes[-1]
    if layer_geometry == "polygon":
        return shapely.union_all(shapes)
    lines = [part for shape in shapes for part in getattr(shape, "geoms", [shape])]
    return lines[0] if len(lines) == 1 else shapely.MultiLineString(lines)


def _save(
    store: Store, user: User | None, start: FeatureVersion, action: str, reason: str, expected_seq: int, *,
    properties: Mapping[str, Any] | None = None, geometry: shapely.Geometry | None = None,
    links: Iterable[tuple[str, str]] | None = None, retired: bool = False,
) -> FeatureVersion:
    reason = _text(reason, "reason", MAX_REASON_CHARS)
    return save_version(
        store, user, feature_id=start.feature_id, action=action, layer=start.layer,
        properties=dict(start.properties if properties is None else properties),
        geometry=start.geometry if geometry is None else geometry, links=tuple(start.links if links is None else links),
        retired=retired, reason=reason, expected_seq=int(expected_seq), what=f"{action} the feature {start.feature_id}",
    )  # fmt: skip


def _require(user: User | None, action: str, feature_id: str) -> None:
    """Refuse early (before any check of the input); the write path checks again inside its transaction."""
    require(user, ACTION_PERMISSIONS[action], what=f"{action} the feature {feature_id}")


def _live(data: PlanningData, store: Store, feature_id: str) -> FeatureVersion:
    current = current_version(data, store, feature_id)
    if current.retired:
        raise problem(InvalidArgumentError, "err.feature_retired", feature_id=feature_id)
    return current


def _geometry(data: PlanningData, layer: str, geometry: shapely.Geometry, *, accept_repair: bool) -> shapely.Geometry:
    boundary = data.context["boundary"].geometry.union_all()
    check = check_geometry(geometry, layer_geometry=data.registry.get(layer).geometry, boundary_4326=boundary, accept_repair=accept_repair)
    return raise_for(check)


def _check_properties(data: PlanningData, feature_id: str, layer: str, props: Mapping[str, Any], geometry: shapely.Geometry) -> None:
    feature = {"type": "Feature", "properties": {**props, "id": feature_id, "layer": layer},
               "geometry": shapely.geometry.mapping(geometry)}  # fmt: skip
    frame = features_from_geojson([feature], source="new feature")
    problems = feature_problems(
        frame, layer_ids=data.registry.ids("project"), boundary_4326=data.context["boundary"].geometry.union_all(),
        layer_statuses=data.registry.statuses(),
    )  # fmt: skip
    errors = [message for severity, _, message in problems if severity == "error"]
    if errors:
        raise problem(InvalidArgumentError, "err.feature_checks", feature_id=feature_id, problems="; ".join(errors))


def _status_date(value: object) -> str:
    text = _text(value, "status date", 10)
    if not STATUS_DATE.fullmatch(text):
        raise problem(InvalidArgumentError, "err.status_date", value=text)
    return text


def _new_id(layer: str, name_en: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name_en).lower()).strip("-")[:60].strip("-")
    return f"{layer.replace('_', '-')}-{slug or 'new'}"


def _text(value: object, what: str, limit: int, *, key: str = "err.text_missing", required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise problem(InvalidArgumentError, key, what=what)
    if len(text) > limit:
        raise problem(InvalidArgumentError, "err.text_too_long", what=what, n=len(text), limit=limit)
    return text


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value: object, *, whole: bool = False) -> object:
    """Return a frame cell as the JSON value it was: NumPy scalars as Python ones; in a column of integers, an int."""
    value = value.item() if hasattr(value, "item") and not isinstance(value, str | bytes) else value
    return int(value) if whole and isinstance(value, float) and value.is_integer() else value


def _whole_columns(features: pd.DataFrame) -> set[str]:
    """Return the float columns whose values are all whole numbers: integers with gaps, which pandas reads as floats."""
    out = set()
    for column in features.columns:
        if column in _SKIP or features[column].dtype.kind != "f":
            continue
        values = features[column].dropna()
        if len(values) and bool((values == values.round()).all()):
            out.add(column)
    return out
