"""The one view pipeline: choice -> tasks -> features -> counts, checked against the CSV files read directly."""

import csv
import json
import shutil
from collections import Counter
from datetime import date

import pytest

from geo import settings
from geo.filters import TaskFilter
from geo.view import build_view, linked_tasks, load_data, task_features


@pytest.fixture(scope="module")
def data():
    return load_data()


def rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def successors_closure(agency_id):
    """Agencies whose chain of successors reaches `agency_id` (read from agencies.csv), plus itself."""
    table = {row["id"]: [s for s in row["successor"].split(";") if s] for row in rows(settings.AGENCIES_CSV)}
    wanted = {agency_id}
    changed = True
    while changed:
        changed = False
        for other, successors in table.items():
            if other not in wanted and wanted & set(successors):
                wanted.add(other)
                changed = True
    return wanted


def test_agency_with_predecessors_past_due_matches_the_csv(data):
    as_of = "2026-11-22"
    wanted = successors_closure("so-xay-dung")
    assert "so-gtvt" in wanted  # the Department of Transport merged into Construction in 2025
    expected = {
        row["id"]
        for row in rows(settings.TASKS_CSV)
        if wanted & set((row["lead_agency"] + ";" + row["coordinating"]).split(";")) and row["due_end"] and row["due_end"] < as_of
    }
    view = build_view(data, TaskFilter(agencies=("so-xay-dung",), as_of=date.fromisoformat(as_of), only_past_due=True))
    assert set(view.tasks.index) == expected
    assert len(expected) == 19
    assert view.counts()["tasks_past_due"] == 19


@pytest.mark.parametrize(("as_of", "passed"), [(date(2026, 3, 31), False), (date(2026, 4, 1), True)])
def test_past_due_boundary_through_the_pipeline(data, as_of, passed):
    due = [row["id"] for row in rows(settings.TASKS_CSV) if row["due_end"] == "2026-03-31"]
    assert due, "the register has tasks due on 2026-03-31 (Quý I/2026)"
    view = build_view(data, TaskFilter(as_of=as_of))
    assert set(view.tasks.loc[due, "past_due"]) == {passed}
    only = build_view(data, TaskFilter(as_of=as_of, only_past_due=True))
    assert set(due) <= set(only.tasks.index) if passed else not set(due) & set(only.tasks.index)


def test_default_view_shows_every_feature_and_counts_add_up(data):
    view = build_view(data, TaskFilter(as_of=date(2026, 11, 22)))
    shipped = len(json.loads(settings.PROJECTS_GEOJSON.read_text(encoding="utf-8"))["features"])
    assert len(view.features) == len(data.features) == shipped
    counts = view.counts()
    assert sum(counts["features_per_layer"].values()) == counts["features"] == shipped
    assert counts["tasks"] == counts["tasks_total"] == len(rows(settings.TASKS_CSV))
    linked = {row["task_id"] for row in rows(settings.LINKS_CSV)}
    assert counts["tasks_on_map"] == len(linked)


def test_the_breakdowns_count_the_view_as_the_files_do(data):
    as_of = date(2026, 11, 22)
    view = build_view(data, TaskFilter(as_of=as_of))
    tasks = rows(settings.TASKS_CSV)
    counts = view.breakdowns("en")
    assert dict(counts["chart.by_doc"]) == dict(Counter(row["doc_id"] for row in tasks))
    past = sum(1 for row in tasks if row["due_end"] and date.fromisoformat(row["due_end"]) < as_of)
    assert dict(counts["chart.past_due"]) == {"Deadline passed": past, "Not passed / no deadline": len(tasks) - past}
    assert counts["chart.by_layer"].sum() == counts["chart.by_status"].sum() == len(view.features)
    leads = Counter(agency for row in tasks for agency in row["lead_agency"].split(";") if agency)
    assert list(counts["chart.by_agency"].values) == [n for _, n in leads.most_common(10)]
    assert counts["chart.by_agency"].iloc[0] == leads.most_common(1)[0][1] > 0
    assert counts["chart.by_agency"].index[0] == data.agencies.label(leads.most_common(1)[0][0], lang="en")


def test_an_active_filter_shows_only_features_linked_to_matching_tasks(data):
    view = build_view(data, TaskFilter(docs=("KH-183-2021",), as_of=date(2026, 11, 22)))
    links = rows(settings.LINKS_CSV)
    matched = set(view.tasks.index)
    expected = {link["feature_id"] for link in links if link["task_id"] in matched}
    assert set(view.features.index) == expected
    unlinked = set(data.features.index) - {link["feature_id"] for link in links}
    assert unlinked and not unlinked & set(view.features.index)


def test_a_task_lists_all_its_features(data):
    per_task = Counter(row["task_id"] for row in rows(settings.LINKS_CSV))
    task_id, n = per_task.most_common(1)[0]
    assert n >= 6
    view = build_view(data, TaskFilter(as_of=date(2026, 11, 22)))
    shown = task_features(view, task_id)
    assert set(shown.index) == {row["feature_id"] for row in rows(settings.LINKS_CSV) if row["task_id"] == task_id}
    assert len(task_features(view, "KH-DU-2026.001")) == 0  # a task with no feature: empty, not an error


def test_layer_filter_keeps_task_feature_links_to_visible_features(data):
    view = build_view(data, TaskFilter(layers=("bridge",), as_of=date(2026, 11, 22)))
    assert set(view.features["layer"]) == {"bridge"}
    on_map = view.tasks[view.tasks["on_map"]]
    assert all(fid.startswith("bridge-") for ids in on_map["feature_ids"] for fid in ids)


def test_linked_tasks_carry_the_basis_and_the_rule(data):
    feature_id = rows(settings.LINKS_CSV)[0]["feature_id"]
    records = linked_tasks(data, feature_id, as_of=date(2026, 11, 22))
    expected = [row for row in rows(settings.LINKS_CSV) if row["feature_id"] == feature_id]
    assert list(records.index) == [row["task_id"] for row in expected]
    assert list(records["basis"]) == [row["basis"] for row in expected]


def test_data_is_passed_in(tmp_path, data):
    copy = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, copy, ignore=shutil.ignore_patterns("context", "sources", "seeds"))
    (copy / "links.csv").write_text("feature_id,task_id,basis\n", encoding="utf-8")
    other = load_data(copy)
    view = build_view(other, TaskFilter(as_of=date(2026, 11, 22)))
    assert view.counts()["tasks_on_map"] == 0
    assert len(view.features) == len(data.features)  # no filter: features without links still show
    assert build_view(data, TaskFilter(as_of=date(2026, 11, 22))).counts()["tasks_on_map"] > 0


def test_unknown_layer_or_status_is_refused(data):
    from geo.errors import UnknownValueError

    with pytest.raises(UnknownValueError, match="Unknown layer"):
        build_view(data, TaskFilter(layers=("moon",)))
    with pytest.raises(UnknownValueError, match="Unknown status"):
        build_view(data, TaskFilter(statuses=("finished",)))
