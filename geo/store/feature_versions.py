"""Feature versions in the store: every change of a feature's geometry, properties or links kept, the latest approved current.

A version is never changed except for its review: a change appends the whole
feature (``properties``, the GeoJSON geometry in EPSG:4326, the ``links`` with
their basis) as the next ``seq`` of that feature. Version 0 of a shipped feature is
the base of record (``data/``), which is never written. Saving checks, in one
transaction of :func:`geo.store.service.writing`: the account's permission for the
action, and that the latest version the caller saw (``expected_seq``) is still the
latest, so a second editor of the same feature gets a conflict naming the first's
change instead of overwriting it. With the setting ``edit_review`` on, an editor's
version is pending until a coordinator approves it; a coordinator's own is approved.

The higher-level operations (checks against the layer, the base data, the task
texts) are in :mod:`geo.featureedit`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import shapely
from sqlalchemy import Connection, func, select, text

from geo.errors import ConflictError, InvalidArgumentError, UnknownValueError, problem
from geo.store.roles import User
from geo.store.schema import feature_versions, store_settings
from geo.store.service import Store, writing

# The permission each action needs (geo.store.roles.ACTIONS).
ACTION_PERMISSIONS: Final[dict[str, str]] = {
    "add": "feature.edit", "edit": "geometry.edit", "link": "link.edit", "unlink": "link.edit",
    "retire": "feature.edit", "revert": "feature.edit",
}  # fmt: skip
REVIEW_SETTING: Final[str] = "edit_review"
_PG_FEATURE_LOCK: Final[int] = 7_238_115  # pg_advisory_xact_lock(namespace, hashtext(feature_id)): one save per feature at a time


@dataclass(frozen=True)
class FeatureVersion:
    """One version of a feature: ``seq`` 0 is the base of record (no id, never in the store).

    Attributes
    ----------
    id : int or None
        The row id (None for the base).
    feature_id, layer : str
        The feature and its layer.
    seq : int
        The feature's version number (0 base, then 1, 2, ...).
    action : str
        ``base``, or one of ``add``, ``edit``, ``link``, ``unlink``, ``retire``, ``revert``.
    properties : dict
        Every property of the feature (name, status, provenance, dates...), without ``id``.
    geometry : shapely.Geometry
        EPSG:4326.
    links : tuple of (task_id, basis)
        The feature's task links in this version.
    retired : bool
        A retired feature is kept in its history and hidden from the map.
    reason, author : str
        Why, and who (the account name; "data/" for the base).
    created_at : datetime.datetime or None
        UTC (None for the base).
    review : str
        ``approved``, ``pending`` or ``rejected``.
    reviewed_by, reviewed_at
        The coordinator who approved or rejected a pending version, and when.
    version : int
        The row's own counter (a review bumps it).
    """

    id: int | None
    feature_id: str
    seq: int
    action: str
    layer: str
    properties: dict = field(repr=False)
    geometry: shapely.Geometry = field(repr=False)
    links: tuple[tuple[str, str], ...] = field(repr=False)
    retired: bool
    reason: str
    author: str
    created_at: datetime | None
    review: str
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    version: int = 0

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> FeatureVersion:
        """Return the version of a ``feature_versions`` row."""
        return cls(
            id=int(row["id"]), feature_id=str(row["feature_id"]), seq=int(row["seq"]), action=str(row["action"]),
            layer=str(row["layer"]), properties=dict(row["properties"] or {}), geometry=shapely.from_geojson(row["geometry"]),
            links=tuple((str(task), str(basis)) for task, basis in (row["links"] or [])), retired=bool(row["retired"]),
            reason=str(row["reason"]), author=str(row["author"]), created_at=row["created_at"], review=str(row["review"]),
            reviewed_by=row["reviewed_by"], reviewed_at=row["reviewed_at"], version=int(row["version"]),
        )  # fmt: skip

    @property
    def quality(self) -> str:
        """Return the geometry's provenance (``geometry_quality``)."""
        return str(self.properties.get("geometry_quality", ""))

    def feature(self) -> dict[str, Any]:
        """Return the version as a GeoJSON feature dict (``id`` and ``layer`` in the properties)."""
        props = {**self.properties, "id": self.feature_id, "layer": self.layer}
        return {"type": "Feature", "properties": props, "geometry": json.loads(shapely.to_geojson(self.geometry))}

    def record(self, *, geometry: bool = False) -> dict[str, Any]:
        """Return the version as JSON-ready values: who, when (ISO, UTC), why, review, provenance, links; with `geometry` its GeoJSON."""
        out = {
            "feature_id": self.feature_id, "seq": self.seq, "id": self.id, "action": self.action, "layer": self.layer,
            "review": self.review, "author": self.author, "created_at": self.created_at.isoformat() if self.created_at else None,
            "reviewed_by": self.reviewed_by, "reason": self.reason, "retired": self.retired, "name": self.properties.get("name", ""),
            "geometry_type": self.geometry.geom_type, "geometry_quality": self.quality,
            "geometry_source": self.properties.get("geometry_source", ""),
            "links": [{"task_id": task, "basis": basis} for task, basis in self.links],
        }  # fmt: skip
        if geometry:
            out["geometry"] = self.feature()["geometry"]
        return out

    def same_content(self, other: FeatureVersion) -> bool:
        """Return True when `other` holds the same layer, properties, geometry, links and retired flag."""
        return (self.layer, self.properties, self.links, self.retired) == (other.layer, other.properties, other.links, other.retired) \
            and shapely.equals_exact(self.geometry, other.geometry, tolerance=1e-9)  # fmt: skip


def save_version(
    store: Store,
    user: User | None,
    *,
    feature_id: str,
    action: str,
    layer: str,
    properties: Mapping[str, Any],
    geometry: shapely.Geometry,
    links: Sequence[tuple[str, str]],
    retired: bool,
    reason: str,
    expected_seq: int,
    what: str,
) -> FeatureVersion:
    """Append the next version of `feature_id` and return it.

    Parameters
    ----------
    store : Store
        The open store.
    user : User or None
        The acting account (an editor or a coordinator; see ``ACTION_PERMISSIONS``).
    feature_id, action, layer, properties, geometry, links, retired, reason
        The whole feature as it is to be (already checked by :mod:`geo.featureedit`).
    expected_seq : int
        The latest version the caller saw (0: only the base, or nothing for a new feature).
    what : str
        The change in words, for a refusal.

    Raises
    ------
    PermissionDenied
        If `user` may not do `action`.
    ConflictError
        If another version was saved after `expected_seq` (naming who, when, what and why); nothing is saved.
    """
    if action not in ACTION_PERMISSIONS:
        msg = f"unknown feature action {action!r}; known: {', '.join(ACTION_PERMISSIONS)}."
        raise ValueError(msg)
    with writing(store, user, ACTION_PERMISSIONS[action], what=what) as write:
        connection = write.connection
        if store.backend == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:feature))"),
                               {"space": _PG_FEATURE_LOCK, "feature": feature_id})  # fmt: skip
        latest = _latest(connection, feature_id)
        latest_seq = int(latest["seq"]) if latest is not None else 0
        if latest_seq != expected_seq:
            raise _conflict(feature_id, expected_seq, latest)
        waiting = _pending(connection, feature_id)
        if waiting is not None:  # one change under review at a time: nothing is built on what a coordinator may reject
            raise pending_conflict(feature_id, waiting)
        pending = _review_on(connection) and write.actor is not None and write.actor.role != "coordinator"
        row = write.insert(feature_versions, {
            "feature_id": feature_id, "seq": latest_seq + 1, "action": action, "layer": layer,
            "properties": dict(properties), "geometry": shapely.to_geojson(geometry), "links": [list(pair) for pair in links],
            "retired": bool(retired), "reason": reason, "author": write.who, "created_at": write.at,
            "review": "pending" if pending else "approved",
        }, record_type="feature", key="feature_id")  # fmt: skip
        if store.spatial == "postgis":
            sync_geom(connection, row["id"])  # a no-op when the store was made before PostGIS was installed
    return FeatureVersion.from_row(row)


def review_version(store: Store, user: User | None, version_id: int, *, approve: bool, expected_version: int) -> FeatureVersion:
    """Approve or reject a pending version (a coordinator's write); return it as reviewed.

    Raises
    ------
    PermissionDenied
        If `user` is not a coordinator.
    UnknownValueError
        If there is no such version.
    InvalidArgumentError
        If the version is not pending.
    ConflictError
        If it was reviewed meanwhile (its row version moved on).
    """
    verb = "approve" if approve else "reject"
    with writing(store, user, "edit.review", what=f"{verb} the feature version {version_id}") as write:
        row = write.connection.execute(select(feature_versions).where(feature_versions.c.id == int(version_id))).mappings().first()
        if row is None:
            raise problem(UnknownValueError, "err.version_unknown", version_id=version_id)
        if row["review"] != "pending":
            raise problem(InvalidArgumentError, "err.version_not_pending", version_id=version_id, review=row["review"])
        after = write.update(feature_versions, ("id", int(version_id)), expected_version=expected_version, record_type="feature_version",
                             values={"review": "approved" if approve else "rejected", "reviewed_by": write.who,
                                     "reviewed_at": write.at})  # fmt: skip
    return FeatureVersion.from_row(after)


def feature_history(store: Store, feature_id: str) -> list[FeatureVersion]:
    """Return every stored version of the feature, newest first (the base is not in the store)."""
    query = select(feature_versions).where(feature_versions.c.feature_id == str(feature_id)).order_by(feature_versions.c.seq.desc())
    with store.engine.connect() as connection:
        return [FeatureVersion.from_row(row) for row in connection.execute(query).mappings()]


def current_versions(store: Store, *, include_pending: bool = False) -> list[FeatureVersion]:
    """Return per feature its current version: the highest approved one (or, with `include_pending`, approved or pending)."""
    states = ("approved", "pending") if include_pending else ("approved",)
    ranked = (select(feature_versions.c.feature_id, func.max(feature_versions.c.seq).label("seq"))
              .where(feature_versions.c.review.in_(states)).group_by(feature_versions.c.feature_id).subquery())  # fmt: skip
    query = (select(feature_versions).join(ranked, (ranked.c.feature_id == feature_versions.c.feature_id)
                                           & (ranked.c.seq == feature_versions.c.seq)).order_by(feature_versions.c.id))  # fmt: skip
    with store.engine.connect() as connection:
        return [FeatureVersion.from_row(row) for row in connection.execute(query).mappings()]


def pending_versions(store: Store) -> list[FeatureVersion]:
    """Return the versions waiting for a coordinator's review, oldest first."""
    query = select(feature_versions).where(feature_versions.c.review == "pending").order_by(feature_versions.c.id)
    with store.engine.connect() as connection:
        return [FeatureVersion.from_row(row) for row in connection.execute(query).mappings()]


def latest_seq(store: Store, feature_id: str) -> int:
    """Return the feature's latest version number in the store, whatever its review (0: none)."""
    with store.engine.connect() as connection:
        latest = _latest(connection, str(feature_id))
    return int(latest["seq"]) if latest is not None else 0


def sync_geom(connection: Connection, version_id: int | None = None) -> None:
    """Fill the PostGIS ``geom`` mirror from the GeoJSON text (one version, or every version without it, after a restore)."""
    if not _has_mirror(connection):  # PostGIS installed after migration 0004: the versions keep their GeoJSON text only
        return
    where = "id = :id" if version_id is not None else "geom IS NULL"
    connection.execute(text(f"UPDATE feature_versions SET geom = ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326) WHERE {where}"),
                       {"id": version_id} if version_id is not None else {})  # fmt: skip


def pending_conflict(feature_id: str, waiting: Mapping[str, Any]) -> ConflictError:
    """Return the refusal of a change to a feature whose version `waiting` is under review."""
    return problem(  # type: ignore[return-value]
        ConflictError, "err.feature_pending", feature_id=feature_id, seq=waiting["seq"], who=waiting["author"],
        action=waiting["action"], at=f"{waiting['created_at']:%Y-%m-%d %H:%M:%S}",
    )


def _pending(connection: Connection, feature_id: str) -> Mapping[str, Any] | None:
    query = select(feature_versions).where(feature_versions.c.feature_id == feature_id, feature_versions.c.review == "pending").limit(1)
    return connection.execute(query).mappings().first()


def _latest(connection: Connection, feature_id: str) -> Mapping[str, Any] | None:
    query = select(feature_versions).where(feature_versions.c.feature_id == feature_id).order_by(feature_versions.c.seq.desc()).limit(1)
    return connection.execute(query).mappings().first()


def _has_mirror(connection: Connection) -> bool:
    query = text("SELECT 1 FROM information_schema.columns WHERE table_name = 'feature_versions' AND column_name = 'geom'")
    return connection.execute(query).scalar() is not None


def _review_on(connection: Connection) -> bool:
    value = connection.execute(select(store_settings.c.value).where(store_settings.c.key == REVIEW_SETTING)).scalar()
    return bool(value)


def _conflict(feature_id: str, expected: int, latest: Mapping[str, Any] | None) -> ConflictError:
    if latest is None:
        return problem(ConflictError, "err.feature_conflict_gone", feature_id=feature_id, seen=expected)  # type: ignore[return-value]
    return problem(  # type: ignore[return-value]
        ConflictError, "err.feature_conflict", feature_id=feature_id, seen=expected, seq=latest["seq"], who=latest["author"],
        action=latest["action"], reason=latest["reason"], at=f"{latest['created_at']:%Y-%m-%d %H:%M:%S}",
    )
