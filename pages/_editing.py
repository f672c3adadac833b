"""The editing page's geometry: the map with the draw tools, an uploaded file, the check of the shape and its provenance.

Every save calls :mod:`geo.featureedit` (the checks) and so the store's one write path
(permission, no lost update, audit); nothing here decides who may write. Text from data
and users reaches the page as text (:mod:`pages._text`).
"""

from __future__ import annotations

import shapely
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo.errors import PlanningMapError
from geo.featureedit import EDIT_QUALITIES, MAX_ZOOM, geometry_from_drawings
from geo.geomcheck import check_geometry
from geo.geomfile import FORMATS, SHAPES, choose, read_geometry_file
from geo.i18n import t
from layers.edit_map import edit_figure
from layers.render import BASEMAPS, HANOI_CENTER
from pages import _cache, _panels, _text

EDIT_MAP_HEIGHT_PX = 560
NO_TILES = "no tiles (the offline outlines of the OSM wards, the city boundary and the schematic Red River)"
# The CRS a planner is offered for a file that has none (any other EPSG code works from the command line).
CRS_CHOICES = ("", "EPSG:5897", "EPSG:3405", "EPSG:32648", "EPSG:4326", "EPSG:4756")


def seen_seq(feature_id: str, newest_seq: int) -> int:
    """Return the version the planner opened the feature at (kept until a save or a reload: the no-lost-update check).

    `newest_seq` is the feature's newest version whatever its review (the one the store compares with).
    """
    seen = st.session_state.setdefault("edit_seen", {})
    return seen.setdefault(feature_id, newest_seq)


def forget(feature_id: str) -> None:
    """Open the feature afresh at its newest version (after a save, a conflict or on request); clear the drawings."""
    st.session_state.setdefault("edit_seen", {}).pop(feature_id, None)
    st.session_state["edit_nonce"] = st.session_state.get("edit_nonce", 0) + 1


def draw_map(data, *, key: str, layer_geometry: str, geometry, previous=None, preview=None, tools: bool = True,
             lang: str) -> tuple[object, int | None]:  # fmt: skip
    """Draw the editing map; return (the geometry the drawings make or None when nothing was drawn, the zoom)."""
    state = st.session_state
    basemaps = [name for name in BASEMAPS if name != "local"]
    basemap = st.selectbox(t("edit.basemap", lang), basemaps, key=f"{key}_basemap", format_func=lambda name: t(f"basemap.{name}", lang),
                           index=basemaps.index(state.get("basemap", "none")) if state.get("basemap", "none") in basemaps else 0)  # fmt: skip
    state.edit_basemap_used = basemap
    shapes = [shape for shape in (geometry, preview, previous) if shape is not None and not shape.is_empty]
    if shapes:
        west, south, east, north = shapely.GeometryCollection(shapes).bounds
        center, zoom = ((south + north) / 2, (west + east) / 2), _zoom_for(west, south, east, north)
    else:
        center, zoom = HANOI_CENTER, 11
    figure = edit_figure(data.registry, _cache.context(), layer_geometry=layer_geometry, geometry=geometry, previous=previous,
                         preview=preview, basemap=basemap, center=center, zoom=zoom, lang=lang, tools=tools)  # fmt: skip
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
    boundary = data.context["boundary"].geometry.union_all()
    upload, check, zoom = None, None, None
    if source_kind == "file":
        upload = _upload(key, lang)
        candidate = upload["geometry"] if upload else None
        check = check_geometry(candidate, layer_geometry=layer_geometry, boundary_4326=boundary) if candidate is not None else None
        shown = check.repaired if check is not None and check.problems and check.repaired is not None else candidate
        _, zoom = draw_map(data, key=f"{key}_map", layer_geometry=layer_geometry, geometry=geometry, previous=previous, preview=shown,
                           lang=lang)  # fmt: skip
    else:
        candidate, zoom = draw_map(data, key=f"{key}_map", layer_geometry=layer_geometry, geometry=geometry, previous=previous, lang=lang)
        check = check_geometry(candidate, layer_geometry=layer_geometry, boundary_4326=boundary) if candidate is not None else None
    if candidate is None or check is None:
        st.info(t("edit.nothing_yet" if source_kind == "draw" else "edit.upload_hint", lang))
        return None
    accept_repair = False
    if check.problems:
        _text.show(_text.alert("error", t(check.problems[0], lang, **check.values)))
        if check.repaired is None:
            return None
        stamp = upload["sha256"][:12] if upload else "drawn"
        accept_repair = st.checkbox(t("edit.accept_repair", lang), key=f"{key}_repair_{stamp}")  # a new file asks again
        if not accept_repair:
            return None
        candidate = check.repaired
    _text.show(_text.text(t("edit.candidate", lang, kind=candidate.geom_type, n=shapely.get_num_coordinates(candidate))))
    quality, basemap_name, zoom_used = _provenance(key, source_kind, zoom, lang)
    source = st.text_input(t("edit.source", lang), key=f"{key}_source", max_chars=settings.MAX_SOURCE_CHARS,
                           help=t(f"edit.source.help.{quality}", lang))  # fmt: skip
    return {"geometry": candidate, "quality": quality, "source": source, "basemap": basemap_name,
            "zoom": int(zoom_used) if zoom_used is not None else None, "file_name": upload["name"] if upload else "",
            "file_sha256": upload["sha256"] if upload else "", "accept_repair": accept_repair}  # fmt: skip


def _provenance(key: str, source_kind: str, zoom: int | None, lang: str) -> tuple[str, str, int | None]:
    """Return (quality, basemap named, zoom): a drawing is ``edited`` over the map's basemap at its zoom; a file says."""
    drawn_over = st.session_state.get("edit_basemap_used", "none")
    if source_kind == "draw":
        _text.show(_text.text(t("edit.quality_drawn", lang, basemap=t(f"basemap.{drawn_over}", lang), zoom=zoom)))
        if drawn_over == "none":
            _text.show(_text.alert("warning", t("edit.no_tiles", lang)))
        return "edited", NO_TILES if drawn_over == "none" else t(f"basemap.{drawn_over}", "en"), zoom
    quality = st.radio(t("edit.quality", lang), EDIT_QUALITIES, key=f"{key}_quality", format_func=lambda q: t(f"edit.quality.{q}", lang))
    if quality != "edited":
        return quality, "", None
    named = st.text_input(t("edit.basemap_named", lang), key=f"{key}_basemap_named", max_chars=200)
    return quality, named, st.number_input(t("edit.zoom", lang), 0, MAX_ZOOM, 16, key=f"{key}_zoom")


def _upload(key: str, lang: str) -> dict | None:
    """Read an uploaded geometry file and let the planner choose the CRS, layer and feature; None until one is chosen."""
    types = sorted({suffix.lstrip(".") for suffix in FORMATS})
    file = st.file_uploader(t("edit.upload", lang), type=types, key=f"{key}_file", help=t("edit.upload.help", lang))
    if file is None:
        return None
    left, middle, right = st.columns(3)
    crs = left.selectbox(t("edit.crs", lang), CRS_CHOICES, key=f"{key}_crs", help=t("edit.crs.help", lang),
                         format_func=lambda code: code or t("edit.crs.file", lang))  # fmt: skip
    shape = "auto"
    if file.name.lower().endswith(".csv"):  # only a CSV's rows need to be told what they draw
        shape = middle.selectbox(t("edit.shape", lang), SHAPES, key=f"{key}_shape", format_func=lambda kind: t(f"edit.shape.{kind}", lang))
    try:
        read = read_geometry_file(file.name, file.getvalue(), crs=crs or None, shape=shape)
        if len(read.layers) > 1:
            layer = right.selectbox(t("edit.file_layer", lang), read.layers, key=f"{key}_layer", index=None,
                                    placeholder=t("edit.choose", lang))  # fmt: skip
            if layer is None:
                return None
            read = read_geometry_file(file.name, file.getvalue(), crs=crs or None, shape=shape, layer_name=layer)
        labels = {item.index: f"#{item.index} {item.label} ({item.geometry.geom_type})" for item in read.candidates}
        pick = next(iter(labels)) if len(labels) == 1 else st.selectbox(
            t("edit.file_feature", lang, n=len(labels)), list(labels), key=f"{key}_pick_{read.sha256[:12]}", format_func=labels.get,
            index=None, placeholder=t("edit.choose", lang))  # fmt: skip
        if pick is None:  # several features and none chosen: nothing is taken silently
            return None
        candidate = choose(read, pick)
    except PlanningMapError as error:
        _panels.error(error, lang)
        return None
    _text.show(_text.text(t("edit.file_read", lang, name=read.name, fmt=read.format, crs=read.crs, n=len(read.candidates))))
    return {"geometry": candidate.geometry, "name": read.name, "sha256": read.sha256}


def _zoom_for(west: float, south: float, east: float, north: float) -> int:
    from pages._mapview import zoom_to_fit

    return zoom_to_fit(west, south, east, north, width_px=700, height_px=EDIT_MAP_HEIGHT_PX)
