"""The editing page's parts: pick a feature, its map with the draw tools, the geometry's source, history, links, review.

Every save calls :mod:`geo.featureedit` (the checks) and so the store's one write path
(permission, no lost update, audit); nothing here decides who may write. Text from data
and users reaches the page as text (:mod:`pages._text`).
"""

from __future__ import annotations

import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import PlanningMapError
from geo.featureedit import EDIT_QUALITIES, geometry_from_drawings, versions, working_version
from geo.geomcheck import check_geometry
from geo.geomfile import choose, read_geometry_file
from geo.i18n import t
from layers.edit_map import edit_figure
from layers.render import BASEMAPS, HANOI_CENTER
from pages import _cache, _panels, _text

EDIT_MAP_HEIGHT_PX = 560
UPLOAD_TYPES = ["geojson", "json", "kml", "kmz", "gpkg", "zip", "csv", "dxf"]
NO_TILES = "no tiles (the offline outlines of the OSM wards, the city boundary and the schematic Red River)"
CRS_CHOICES = ("", "EPSG:5897", "EPSG:3405", "EPSG:32648", "EPSG:4326", "EPSG:4756")


def feature_choices(data, store) -> dict[str, str]:
    """Return feature id -> label of every feature an editor may open: the map's, plus those added and still pending."""
    from geo.featureedit import working_versions

    labels = {fid: f"{row['name']} · {fid}" for fid, row in data.features.iterrows()}
    for version in working_versions(store):
        if version.feature_id not in labels and not version.retired:
            labels[version.feature_id] = f"{version.properties.get('name', '')} · {version.feature_id} ({t('edit.review.' + version.review, 'en')})"
    return dict(sorted(labels.items(), key=lambda item: item[1].casefold()))


def seen_seq(feature_id: str, current_seq: int) -> int:
    """Return the version the planner opened the feature at (kept until a save or a reload: the no-lost-update check)."""
    seen = st.session_state.setdefault("edit_seen", {})
    return seen.setdefault(feature_id, current_seq)


def forget(feature_id: str) -> None:
    """Open the feature afresh at its newest version (after a save, a conflict or on request); clear the drawings."""
    st.session_state.setdefault("edit_seen", {}).pop(feature_id, None)
    st.session_state["edit_nonce"] = st.session_state.get("edit_nonce", 0) + 1


def draw_map(data, *, key: str, layer_geometry: str, geometry, previous=None, preview=None, lang: str) -> tuple[object, int | None]:
    """Draw the editing map; return (the geometry the drawings make or None when nothing was drawn, the zoom)."""
    state = st.session_state
    basemaps = [name for name in BASEMAPS if name != "local"]
    basemap = st.selectbox(t("edit.basemap", lang), basemaps, key="edit_basemap", format_func=lambda name: t(f"basemap.{name}", lang),
                           index=basemaps.index(state.get("basemap", "none")) if state.get("basemap", "none") in basemaps else 0)  # fmt: skip
    shown = geometry if geometry is not None else preview
    if shown is not None and not shown.is_empty:
        west, south, east, north = shown.bounds
        center, zoom = ((south + north) / 2, (west + east) / 2), _zoom_for(west, south, east, north)
    else:
        center, zoom = HANOI_CENTER, 11
    figure = edit_figure(data.registry, _cache.context(), layer_geometry=layer_geometry, geometry=geometry, previous=previous,
                         preview=preview, basemap=basemap, center=center, zoom=zoom, lang=lang)  # fmt: skip
    out = st_folium(figure, key=f"{key}_{basemap}_{state.get('edit_nonce', 0)}", height=EDIT_MAP_HEIGHT_PX, use_container_width=True,
                    returned_objects=["all_drawings", "zoom"]) or {}  # fmt: skip
    st.caption(t("edit.map.hint", lang))
    drawings = out.get("all_drawings")
    if drawings is None:  # no draw event yet: the feature is as it was
        return None, out.get("zoom")
    return geometry_from_drawings(drawings, layer_geometry), out.get("zoom")


def geometry_input(data, *, key: str, layer_geometry: str, geometry, previous=None, lang: str) -> dict | None:
    """Ask for the new geometry (drawn on the map or from a file) and its provenance; return the save's arguments or None."""
    source_kind = st.radio(t("edit.from", lang), ["draw", "file"], key=f"{key}_from", horizontal=True,
                           format_func=lambda kind: t(f"edit.from.{kind}", lang))  # fmt: skip
    upload, preview = None, None
    if source_kind == "file":
        upload = _upload(key, lang)
        preview = upload["geometry"] if upload else None
    drawn, zoom = draw_map(data, key=f"{key}_map", layer_geometry=layer_geometry, geometry=geometry, previous=previous,
                           preview=preview, lang=lang)  # fmt: skip
    candidate = preview if source_kind == "file" else drawn
    if candidate is None:
        st.info(t("edit.nothing_yet" if source_kind == "draw" else "edit.upload_hint", lang))
        return None
    check = check_geometry(candidate, layer_geometry=layer_geometry, boundary_4326=data.context["boundary"].geometry.union_all())
    accept_repair = False
    if check.problems:
        _text.show(_text.alert("error", t(check.problems[0], lang, **check.values)))
        if check.repaired is None:
            return None
        accept_repair = st.checkbox(t("edit.accept_repair", lang), key=f"{key}_repair")
        if not accept_repair:
            return None
        candidate = check.repaired
    st.caption(t("edit.candidate", lang, kind=candidate.geom_type, n=shapely.get_num_coordinates(candidate)))
    if source_kind == "draw":
        quality = "edited"
        drawn_over = st.session_state.get("edit_basemap", "none")
        st.caption(t("edit.quality_drawn", lang, basemap=t(f"basemap.{drawn_over}", lang), zoom=zoom))
        if drawn_over == "none":
            _text.show(_text.alert("warning", t("edit.no_tiles", lang)))
    else:
        quality = st.radio(t("edit.quality", lang), EDIT_QUALITIES, key=f"{key}_quality", format_func=lambda q: t(f"edit.quality.{q}", lang))
    source = st.text_input(t("edit.source", lang), key=f"{key}_source", max_chars=500, help=t(f"edit.source.help.{quality}", lang))
    basemap_name, zoom_used = "", zoom
    if quality == "edited":
        drawn_over = st.session_state.get("edit_basemap", "none")
        basemap_name = NO_TILES if drawn_over == "none" else t(f"basemap.{drawn_over}", "en")
        if source_kind == "file":
            basemap_name = st.text_input(t("edit.basemap_named", lang), key=f"{key}_basemap_named", max_chars=200)
            zoom_used = st.number_input(t("edit.zoom", lang), 0, 22, 16, key=f"{key}_zoom")
    return {"geometry": candidate, "quality": quality, "source": source, "basemap": basemap_name,
            "zoom": int(zoom_used) if zoom_used is not None else None, "file_name": upload["name"] if upload else "",
            "file_sha256": upload["sha256"] if upload else "", "accept_repair": accept_repair}  # fmt: skip


def _upload(key: str, lang: str) -> dict | None:
    """Read an uploaded geometry file and let the planner choose the CRS, layer and feature; None until one is chosen."""
    file = st.file_uploader(t("edit.upload", lang), type=UPLOAD_TYPES, key=f"{key}_file", help=t("edit.upload.help", lang))
    if file is None:
        return None
    left, middle, right = st.columns(3)
    crs = left.selectbox(t("edit.crs", lang), CRS_CHOICES, key=f"{key}_crs", help=t("edit.crs.help", lang),
                         format_func=lambda code: code or t("edit.crs.file", lang))  # fmt: skip
    shape = middle.selectbox(t("edit.shape", lang), ["auto", "point", "line", "polygon"], key=f"{key}_shape",
                             format_func=lambda kind: t(f"edit.shape.{kind}", lang))  # fmt: skip
    try:
        read = read_geometry_file(file.name, file.getvalue(), crs=crs or None, shape=shape)
        if len(read.layers) > 1:
            layer = right.selectbox(t("edit.file_layer", lang), read.layers, key=f"{key}_layer")
            read = read_geometry_file(file.name, file.getvalue(), crs=crs or None, shape=shape, layer_name=layer)
        labels = {item.index: f"#{item.index} {item.label} ({item.geometry.geom_type})" for item in read.candidates}
        pick = st.selectbox(t("edit.file_feature", lang, n=len(labels)), list(labels), key=f"{key}_pick", format_func=labels.get,
                            disabled=len(labels) == 1)  # fmt: skip
        candidate = choose(read, pick)
    except PlanningMapError as error:
        _panels.error(error, lang)
        return None
    st.caption(t("edit.file_read", lang, name=read.name, fmt=read.format, crs=read.crs, n=len(read.candidates)))
    return {"geometry": candidate.geometry, "name": read.name, "sha256": read.sha256}


def history_panel(data, store, feature_id: str, *, lang: str) -> int | None:
    """Show every version (who, when, why, source, review); return the version to draw beside the current one, if asked."""
    found = versions(data, store, feature_id)
    rows = [{
        t("edit.col.version", lang): version.seq, t("edit.col.action", lang): t(f"edit.action.{version.action}", lang),
        t("edit.col.review", lang): t(f"edit.review.{version.review}", lang), t("edit.col.who", lang): version.author,
        t("edit.col.when", lang): f"{version.created_at:%Y-%m-%d %H:%M} UTC" if version.created_at else "",
        t("edit.col.why", lang): version.reason, t("edit.col.quality", lang): version.quality,
        t("edit.col.source", lang): str(version.properties.get("geometry_source", "")),
        t("edit.col.tasks", lang): ", ".join(task for task, _ in version.links), t("edit.col.retired", lang): version.retired,
    } for version in found]  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)
    older = [version.seq for version in found[1:]]
    if not older:
        return None
    return st.selectbox(t("edit.compare", lang), [None, *older], key=f"edit_compare_{feature_id}",
                        format_func=lambda seq: t("edit.compare.none", lang) if seq is None else t("edit.version_n", lang, n=seq))  # fmt: skip


def review_panel(store, user, data, *, lang: str) -> None:
    """The coordinator's review: the switch, and each pending change with approve and reject."""
    from geo.store import get_setting, set_setting
    from geo.store.feature_versions import REVIEW_SETTING, pending_versions, review_version

    value, seen = get_setting(store, REVIEW_SETTING)
    wanted = st.toggle(t("edit.review_setting", lang), value=bool(value), key="edit_review_toggle", help=t("edit.review_setting.help", lang))
    if wanted != bool(value):
        try:
            set_setting(store, user, REVIEW_SETTING, wanted, expected_version=seen)
        except PlanningMapError as error:
            _panels.error(error, lang)
        else:
            st.rerun()
    pending = pending_versions(store)
    st.subheader(t("edit.pending", lang, n=len(pending)))
    for version in pending:
        with st.container(border=True):
            _text.show(_text.heading(f"{version.properties.get('name', '')} · {version.feature_id} · v{version.seq}"),
                       _text.line(t("edit.col.action", lang), t(f"edit.action.{version.action}", lang)),
                       _text.line(t("edit.col.who", lang), f"{version.author} · {version.created_at:%Y-%m-%d %H:%M} UTC"),
                       _text.line(t("edit.col.why", lang), version.reason),
                       _text.line(t("edit.col.source", lang), str(version.properties.get("geometry_source", "")), small=True))  # fmt: skip
            left, right = st.columns(2)
            for column, approve in ((left, True), (right, False)):
                label = t("edit.approve" if approve else "edit.reject", lang)
                if column.button(label, key=f"edit_{'ok' if approve else 'no'}_{version.id}"):
                    try:
                        review_version(store, user, int(version.id or 0), approve=approve, expected_version=version.version)
                    except PlanningMapError as error:
                        _panels.error(error, lang)
                    else:
                        st.rerun()


def current(data, store, feature_id: str):
    """Return the version an edit starts from (newest approved or pending)."""
    return working_version(data, store, feature_id)


def _zoom_for(west: float, south: float, east: float, north: float) -> int:
    from pages._mapview import zoom_to_fit

    return zoom_to_fit(west, south, east, north, width_px=700, height_px=EDIT_MAP_HEIGHT_PX)
