"""Streamlit renderers shared by pages: the feature card and its linked task records.

Every text from data or users goes through :mod:`pages._text` (escaped HTML, never markdown).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from geo.agencies import AgencyIndex
from geo.deadlines import is_past_due
from geo.errors import PlanningMapError
from geo.i18n import day_text, number, t
from geo.progress.categories import categories
from geo.view import PlanningData, View, linked_tasks
from pages import _text


def error(problem: object, lang: str) -> None:
    """Show an error of the core (its text may carry file names or cells: shown as text)."""
    message = problem.text(lang) if isinstance(problem, PlanningMapError) else str(problem)
    _text.show(_text.alert("error", f"{t('error.prefix', lang)}: {message}"))


def warning(message: object) -> None:
    """Show a warning whose text may come from data or a file."""
    _text.show(_text.alert("warning", message))


def feature_card(data: PlanningData, feature_id: str, *, as_of: date, lang: str) -> None:
    """Show one feature: name, layer, status, provenance and every linked task record with the link's basis."""
    feature = data.features.loc[feature_id]
    registry = data.registry
    name = feature["name_en"] if lang == "en" and feature.get("name_en") else feature["name"]
    quality = registry.quality_styles.get(feature["geometry_quality"], {})
    status = " · ".join(part for part in (t("status." + feature["status"], lang), str(feature.get("status_date") or "")) if part)
    parts = [
        _text.heading(name),
        _text.line(t("panel.layer", lang), registry.label(feature["layer"], lang)),
        _text.line(t("panel.status", lang), status),
        _text.line(t("panel.status_source", lang), feature.get("status_source", ""), small=True),
        _text.line(t("panel.provenance", lang), f"{feature['geometry_quality']} — {quality.get('label_en' if lang == 'en' else 'label_vi', '')}"),
    ]
    seq = feature.get("edit_seq")
    if isinstance(seq, int | float) and seq == seq and seq > 0:  # changed in the store: which version, who, when
        when = str(feature.get("edited_at") or "")
        parts.append(_text.line(t("panel.edit_version", lang), t("panel.edit_version_text", lang, seq=int(seq), who=feature.get("edited_by", ""),
                                                                  when=when), small=True))  # fmt: skip
    if feature["geometry_quality"] == "schematic":
        parts.append(_text.alert("warning", t("panel.schematic_warning", lang)))
    _text.show(*parts)
    with st.expander(t("panel.provenance", lang)):
        _text.show(_text.text(feature.get("geometry_source", "")))
    records = linked_tasks(data, feature_id, as_of=as_of)
    records = records.join(categories(records, data.reports, as_of))
    st.markdown(f"**{t('panel.tasks', lang)} ({len(records)})**")
    if records.empty:
        st.info(t("panel.no_tasks", lang))
    for task_id, row in records.iterrows():
        task_record(task_id, row, data.agencies, as_of=as_of, lang=lang, reports=data.reports)


def task_record(
    task_id: str, row: pd.Series, agencies: AgencyIndex, *, as_of: date, lang: str, reports: pd.DataFrame | None = None
) -> None:
    """Show one task record with its document, TT, text, agencies, product, deadline, the link's basis and its progress."""
    parsed = t("kind." + row["due_kind"], lang)
    if row["due_end"] is not None:
        parsed += f" · {day_text(row['due_end'], lang)}"
    parts = [
        f"<p style=\"margin:0 0 0.25rem 0\"><b>{_text.esc(row['doc_id'])} · {_text.esc(t('col.tt', lang))} "
        f"{_text.esc(row['tt'] or '—')}</b> · <code>{_text.esc(task_id)}</code></p>",
        _text.text(row["task"]),
    ]
    if row.get("basis"):
        parts.append(_text.line(t("panel.basis", lang), f"“{row['basis']}”", small=True))
    parts.append(_text.line(t("col.lead", lang), agencies.labels(row["lead_agency"], lang=lang, empty="—")))
    parts.append(_text.line(t("col.coordinating", lang), agencies.labels(row["coordinating"], lang=lang, empty="—")))
    if row["product"]:
        parts.append(_text.line(t("col.product", lang), row["product"]))
    parts.append(_text.line(t("col.due_raw", lang), row["due_raw"] or "—"))
    parts.append(_text.line(t("panel.deadline_parsed", lang), f"{parsed} · {t('scope.' + row['due_scope'], lang)}"))
    if row["due_end"] is not None:
        if is_past_due(row["due_end"], as_of):
            parts.append(_text.alert("error", t("panel.deadline_passed", lang, date=day_text(as_of, lang))))
        else:
            parts.append(_text.alert("success", t("panel.deadline_open", lang, date=day_text(as_of, lang))))
    with st.container(border=True):
        _text.show(*parts)
        if reports is not None:
            from pages import _progress_panel

            _progress_panel.progress_block(task_id, row, reports, as_of=as_of, lang=lang)


def coverage_metrics(result, *, lang: str, baseline=None, per_row: int = 6) -> None:
    """Show the headline figures of a coverage run (numbers written the planner's way), with deltas from `baseline`."""

    def delta(value: float, attr: str, decimals: int, unit: str = "") -> str | None:
        return None if baseline is None else number(value - getattr(baseline, attr), lang, decimals, signed=True) + unit

    cols = [col for _ in range(6 // per_row) for col in st.columns(per_row)]
    cols[0].metric(t("tod.stations", lang), result.n_stations, delta(result.n_stations, "n_stations", 0))
    cols[1].metric(
        t("tod.union", lang),
        number(result.union_area_km2, lang, 2) + " km²",
        delta(result.union_area_km2, "union_area_km2", 2, " km²"),
    )
    share_delta = (
        None
        if baseline is None
        else number((result.coverage_share - baseline.coverage_share) * 100, lang, 2, signed=True) + " pp"
    )
    cols[2].metric(t("tod.share", lang), number(result.coverage_share * 100, lang, 2) + "%", share_delta)
    cols[3].metric(
        t("tod.population", lang),
        number(result.population_covered, lang, 0),
        delta(result.population_covered, "population_covered", 0),
    )
    cols[4].metric(t("tod.population_share", lang), number(result.population_share * 100, lang, 2) + "%")
    cols[5].metric(t("tod.overlap", lang), number(result.overlap_factor, lang, 2))
    st.caption(f"{t('tod.unknown', lang)}: {number(result.unknown_area_km2, lang, 2)} km² · {t('tod.method_note', lang)}")


def export_panel(view: View, *, lang: str, html_map) -> None:
    """Offer the layer snapshot (chosen formats) and a quick single-layer GeoJSON, built when clicked."""
    from datetime import datetime

    from geo.export import ALL_FORMATS, layer_geojson_bytes, snapshot_bytes, snapshot_name

    visible_layers = list(view.layers())

    with st.expander(t("export.title", lang), icon=":material/download:"):
        st.caption(t("export.help", lang))
        formats = st.multiselect(t("export.formats", lang), ALL_FORMATS, default=list(ALL_FORMATS), key="export_formats")
        st.download_button(
            t("export.download", lang),
            data=lambda: snapshot_bytes(view, formats=formats, lang=lang, html_map=html_map() if "html" in formats else None),
            file_name=snapshot_name(view.as_of, datetime.now()), mime="application/zip",
            key="export_zip", disabled=not formats, on_click="ignore", type="primary",
        )  # fmt: skip
        if visible_layers:
            layer = st.selectbox(t("export.layer", lang), visible_layers, key="export_layer",
                                 format_func=lambda layer_id: view.data.registry.label(layer_id, lang))  # fmt: skip
            st.download_button(t("export.layer_download", lang), data=lambda: layer_geojson_bytes(view, layer),
                               file_name=f"{layer}.geojson", mime="application/geo+json", key="export_layer_btn",
                               on_click="ignore")  # fmt: skip


def labelled(frame, lang: str) -> dict:
    """Return column_config labels from the catalogue for the columns of `frame` (key ``tcol.<column>``)."""
    return {column: t(f"tcol.{column}", lang) for column in frame.columns if f"tcol.{column}" != t(f"tcol.{column}", lang)}


def rounded(frame, lang: str = "vi"):
    """Return `frame` with its numbers written for `lang` (877.663 / 43,85 in Vietnamese): populations whole, the rest 3 decimals."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind != "f":
            continue
        decimals = 0 if "population" in column else 3
        out[column] = out[column].map(lambda value, d=decimals: "—" if value != value else number(value, lang, d))
    return out


def found_features(named, *, lang: str) -> bool:
    """List the features whose name matches the search, each with a button that jumps to it; True when one was pressed."""
    if named.empty:
        return False
    st.caption(t("map.found", lang, query=st.session_state.get("f_query", "")))
    return jump_list(named, lang=lang)


def jump_list(frame, *, lang: str, limit: int = 12) -> bool:
    """Show one "go to" button per feature (up to `limit`); True (and the view moved) when one was pressed."""
    from pages import _mapview

    for feature_id, row in list(frame.iterrows())[:limit]:
        name = row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name")
        if st.button(f"{t('map.jump', lang)}: {name}", key=f"jump_{feature_id}", icon=":material/my_location:"):
            st.session_state.map_sel, st.session_state.map_task = feature_id, None
            _mapview.go_to(frame.loc[[feature_id]])
            return True
    return False


def task_panel(view: View, task_id: str, *, lang: str) -> None:
    """Show the selected task's record and how many of its features are on the map (or that none is)."""
    row = view.tasks.loc[task_id]
    task_record(task_id, row, view.data.agencies, as_of=view.as_of, lang=lang, reports=view.data.reports)
    n = len(row["feature_ids"])
    if n:
        st.markdown(f"**{t('map.task_features', lang, n=n)}**")
    else:
        st.info(t("map.task_no_feature", lang))
    if st.button(t("map.clear_selection", lang), key="map_clear_task"):
        st.session_state.map_task = None
        st.rerun()


def task_table(view: View, *, selected: str | None, lang: str) -> str | None:
    """Show the matching tasks (those of the selected feature first); return the task id of a newly selected row."""
    agencies = view.data.agencies
    tasks = view.tasks
    linked = tasks["feature_ids"].map(lambda ids: bool(selected) and selected in ids)
    table = tasks.assign(
        linked=linked,
        on_map=tasks["on_map"].map(lambda on: t("map.on_map", lang) if on else t("map.not_on_map", lang)),
        lead=tasks["lead_agency"].map(lambda ids: agencies.labels(ids, lang=lang)),
    ).sort_values("linked", ascending=False, kind="stable")
    columns = ["linked", "on_map", "doc_id", "tt", "task", "lead", "due_raw", "due_end", "past_due", "id"]
    event = st.dataframe(
        table[columns if selected else columns[1:]],
        hide_index=True, width="stretch", key=f"map_tasks_{selected or ''}", on_select="rerun", selection_mode="single-row",
        height=320,
        column_config={
            "linked": st.column_config.CheckboxColumn(t("map.linked_first", lang)),
            "on_map": t("col.on_map", lang), "doc_id": t("col.doc", lang), "tt": t("col.tt", lang),
            "task": st.column_config.TextColumn(t("col.task", lang), width="large"), "lead": t("col.lead", lang),
            "due_raw": t("col.due_raw", lang),
            "due_end": st.column_config.DateColumn(t("col.due_end", lang), format="DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD"),
            "past_due": st.column_config.CheckboxColumn(t("col.past_due", lang), help=t("past_due.help", lang)),
            "id": t("col.id", lang),
        },
    )  # fmt: skip
    rows = event.selection.rows if event and event.selection else []
    return str(table.iloc[rows[0]]["id"]) if rows and rows[0] < len(table) else None


def charts(view: View, *, lang: str) -> None:
    """Small bar charts of the filtered set: tasks by lead agency and document, features by layer and status, past due."""
    from layers.charts import count_bars

    for key, series in view.breakdowns(lang).items():
        if not series.empty:
            st.altair_chart(count_bars(series, title=t(key, lang), count=t("chart.count", lang)), width="stretch")


def print_panel(view: View, *, lang: str) -> None:
    """Offer a print (PNG or PDF, A4 or A3, portrait or landscape) of the view on screen."""
    from datetime import datetime

    def printed() -> bytes:
        from geo.export import print_view

        return print_view(view, extent_4326=extent, paper=paper, orientation=orientation, fmt=fmt, lang=lang)

    st.caption(t("print.help", lang))
    cols = st.columns(3)
    paper = cols[0].radio(t("print.paper", lang), ["A4", "A3"], key="print_paper")
    orientation = cols[1].radio(t("print.orientation", lang), ["landscape", "portrait"], key="print_orientation",
                                format_func=lambda o: t(f"print.{o}", lang))  # fmt: skip
    fmt = cols[2].radio(t("print.format", lang), ["pdf", "png"], key="print_format", format_func=str.upper)
    bounds = st.session_state.get("map_bounds")
    extent = None
    if bounds and bounds.get("_southWest") and bounds["_southWest"].get("lat") is not None:
        extent = ((bounds["_southWest"]["lat"], bounds["_southWest"]["lng"]), (bounds["_northEast"]["lat"], bounds["_northEast"]["lng"]))
    stamp = datetime.now().strftime("%H%M%S")
    st.download_button(
        t("print.download", lang),
        data=printed,
        file_name=f"hanoi-map-{view.as_of.isoformat()}-{stamp}-{paper}-{orientation}.{fmt}",
        mime="application/pdf" if fmt == "pdf" else "image/png", key="print_download", on_click="ignore",
        icon=":material/print:",
    )  # fmt: skip

