"""TOD coverage page: stations by line and phase, radius, study area, method; figures, map, tables, comparison."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo.errors import PlanningMapError
from geo.export import coverage_zip
from geo.i18n import t
from geo.mapdata import light_geometry
from layers.tod_render import tod_map
from pages import _cache, _frame, _panels

lang, choice = _frame.current()
_frame.keep_widget_state(("tod_lines", "tod_phase", "tod_compare", "tod_estimates", "tod_radius", "tod_study", "tod_method"))
st.title(t("tod.title", lang))
st.caption(t("tod.filters_note", lang))
features = _cache.features()
line_names = features[features["layer"] == "metro_line"].set_index("line")["name_en" if lang == "en" else "name"]
top = st.columns([3, 2, 2, 2])
lines = top[0].multiselect(t("tod.lines", lang), list(line_names.index), default=["2A", "3-elevated", "3-underground"],
                           key="tod_lines", format_func=lambda line: f"{line} · {line_names[line]}", placeholder=t("filters.all", lang))  # fmt: skip
phase = top[1].date_input(t("tod.phase", lang), value=choice.as_of_or_today(), key="tod_phase", format="DD/MM/YYYY")
compare = top[2].date_input(t("tod.compare", lang), value=None, key="tod_compare", format="DD/MM/YYYY")
estimates = top[3].checkbox(t("tod.estimates", lang), key="tod_estimates")
row = st.columns([3, 2, 2])
radius_choice = row[0].segmented_control(t("tod.radius", lang), [*settings.TOD_RADII_M, "…"], default=1000, key="tod_radius")
radius = radius_choice if radius_choice in settings.TOD_RADII_M else row[0].slider(
    t("tod.radius_custom", lang), settings.TOD_RADIUS_MIN_M, settings.TOD_RADIUS_MAX_M, 600, 50, key="tod_radius_custom")  # fmt: skip
study = row[1].radio(
    t("tod.study", lang), ["city", "urban", "inside_vd3"], key="tod_study", format_func=lambda s: t(f"study.{s}", lang)
)
method = row[2].radio(t("tod.method", lang), ["circle", "walk"], key="tod_method", format_func=lambda m: t(f"method.{m}", lang))
with st.expander(f"{t('tod.population_file', lang)} · {t('tod.network_file', lang)}"):
    pop_file = st.file_uploader(t("tod.population_file", lang), type=["geojson", "json", "gpkg"], key="tod_pop_file")
    pop_column = st.text_input(t("tod.population_column", lang), value="population", key="tod_pop_column")
    net_file = st.file_uploader(t("tod.network_file", lang), type=["osm", "bz2", "graphml", "xml"], key="tod_net_file")
try:
    pop_key = _cache.upload_key(pop_file) if pop_file else ""
    net_key = _cache.upload_key(net_file) if net_file else ""
except PlanningMapError as error:
    _panels.error(error, lang)
    st.stop()
args = (tuple(lines), float(radius or 1000))


def run(as_of: date):
    common = (_cache.filter_key(choice), *args, as_of.isoformat(), study, estimates, pop_key, pop_column if pop_key else "")
    if method == "circle":
        return _cache.coverage_run(*common)
    bar = st.progress(0.0, text=t("tod.progress", lang))
    result = _cache.walk_coverage_run(
        *common, net_key, progress=lambda f, name: bar.progress(f, text=f"{t('tod.progress', lang)}: {name}")
    )
    bar.empty()
    return result


try:
    if pop_key:
        for message in _cache.population_layer(pop_key, pop_column)[1]:
            _panels.warning(message)
    result, skipped = run(phase)
    other = run(compare)[0] if compare else None
except PlanningMapError as error:
    _panels.error(error, lang)
    st.stop()

if len(skipped):
    st.warning(t("tod.covered_of", lang, n=result.n_stations, total=result.n_stations + len(skipped)))
if other is None:
    _panels.coverage_metrics(result, lang=lang)
else:
    st.subheader(f"{t('tod.comparison', lang)}: {phase:%d/%m/%Y} · {compare:%d/%m/%Y}")
    for column, shown_result, base in zip(st.columns(2, border=True), (result, other), (None, result), strict=True):
        with column:
            _panels.coverage_metrics(shown_result, lang=lang, baseline=base, per_row=3)
shown = features.loc[features.index.isin(result.stations.index)]
units = light_geometry(result.units_4326, tolerance_m=30.0, decimals=4)
added = other.catchments_4326[~other.catchments_4326.index.isin(result.catchments_4326.index)] if other is not None else None
fmap = tod_map(
    result.catchments_4326,
    shown,
    units,
    _cache.registry(),
    lang=lang,
    basemap=st.session_state.get("basemap", "none"),
    added=added,
)
st_folium(fmap, key="tod_map", height=560, use_container_width=True, returned_objects=[])
params = {"lines": lines, "radius_m": radius, "as_of": phase.isoformat(), "study_area": study, "method": method, "estimates": estimates,
          "population_source": f"uploaded layer {Path(pop_file.name).name}" if pop_file else "official 2025 ward populations"}  # fmt: skip
st.download_button(t("export.tod", lang), data=lambda: coverage_zip(result, skipped, params), file_name=f"hanoi-tod-{phase}-{radius}m.zip",
                   mime="application/zip", key="tod_export", on_click="ignore", icon=":material/download:")  # fmt: skip
names = ["tod.per_station", "tod.per_line", "tod.per_ward", "tod.unknown_wards", "tod.skipped"]
tables = [result.stations, result.lines, result.wards.query("covered_km2 > 0"),
          result.wards.query("covered_km2 > 0 and not population_known")[["name", "covered_km2"]], skipped]  # fmt: skip
for tab, table, name in zip(st.tabs([t(n, lang) for n in names]), tables, names, strict=True):
    tab.dataframe(_panels.rounded(table, lang), width="stretch", hide_index=name != "tod.per_station", key=f"{name}_table",
                  column_config=_panels.labelled(table, lang))  # fmt: skip
_frame.sync_url()
