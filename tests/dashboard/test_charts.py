"""Chart specs read without Streamlit: what is plotted, what is left out."""

import pandas as pd
import pytest

from dashboard import charts
from dashboard.boundaries import ENV_VARIABLE, configured_boundaries, load_boundaries
from prakerja.errors import UserError

REGENCIES = pd.DataFrame(
    {
        "regency": ["Kota Surabaya", "Kota Jakarta Selatan", "Kabupaten Sidoarjo"],
        "latitude": [-7.25, -6.26, -7.45],
        "longitude": [112.75, 106.81, 112.7],
        "participants": [12.0, 10.0, float("nan")],  # Sidoarjo suppressed
        "hire_rate": [0.25, 0.1, float("nan")],
    }
)
MAP_ARGS = dict(latitude="latitude", longitude="longitude", size="participants", colour="hire_rate", name="regency", size_title="Peserta", colour_title="Tingkat")


def _values(spec: dict) -> list[dict]:
    return next(iter(spec["datasets"].values()))


def _layer_values(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def test_map_draws_points_from_coordinates_without_boundaries():
    spec = charts.regency_map(REGENCIES, **MAP_ARGS).to_dict()
    small, points = spec["layer"]
    assert points["mark"]["type"] == "circle"
    assert points["encoding"]["size"]["field"] == "participants" and points["encoding"]["color"]["field"] == "hire_rate"
    assert spec["projection"]["type"] == "mercator"
    assert [row["regency"] for row in _layer_values(spec, points)] == ["Kota Surabaya", "Kota Jakarta Selatan"]
    hidden = _layer_values(spec, small)
    assert [row["regency"] for row in hidden] == ["Kabupaten Sidoarjo"]
    assert set(hidden[0]) == {"regency", "latitude", "longitude"}  # a suppressed regency carries no figure


def test_map_layers_province_areas_from_the_operators_topojson(shared_data):
    boundaries = load_boundaries(shared_data / "reference" / "indonesia-38-provinces.topo.json")
    assert boundaries.object_name == "indonesia-38-prov-topo"
    assert len(boundaries.topology["objects"][boundaries.object_name]["geometries"]) == 38
    spec = charts.regency_map(REGENCIES, **MAP_ARGS, boundaries=boundaries).to_dict()
    areas, _, points = spec["layer"]
    assert areas["mark"]["type"] == "geoshape"
    assert areas["data"]["format"] == {"type": "topojson", "feature": "indonesia-38-prov-topo"}
    assert points["mark"]["type"] == "circle"


def test_boundaries_file_errors_are_user_errors(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    assert configured_boundaries() is None
    with pytest.raises(UserError, match="does not exist"):
        load_boundaries(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(UserError, match="not TopoJSON"):
        load_boundaries(bad)
    bad.write_text("not json")
    with pytest.raises(UserError, match="not JSON"):
        load_boundaries(bad)
    monkeypatch.setenv(ENV_VARIABLE, str(bad))
    with pytest.raises(UserError):
        configured_boundaries()


def test_funnel_bars_plot_each_step_as_a_share_of_the_group():
    frame = pd.DataFrame({"group": [1, 2, 3], "participants": [10.0, 20.0, float("nan")], "trained": [10.0, 15.0, float("nan")], "hired": [2.0, 5.0, float("nan")]})
    spec = charts.funnel_bars(frame, "group", "participants", {"trained": "Selesai", "hired": "Diterima"}, "Gelombang", "Proporsi").to_dict()
    shares = {(row["group"], row["series"]): row["share"] for row in _values(spec)}
    assert shares == {("1", "Selesai"): 1.0, ("1", "Diterima"): 0.2, ("2", "Selesai"): 0.75, ("2", "Diterima"): 0.25}


def test_wave_trend_is_one_line_per_metric():
    frame = pd.DataFrame({"group": [1, 2], "a": [0.5, 0.6], "b": [0.1, None]})
    spec = charts.wave_trend(frame, "group", {"a": "A", "b": "B"}, "Gelombang", "Proporsi", percent=True).to_dict()
    assert spec["mark"]["type"] == "line"
    assert sorted((r["series"], r["value"]) for r in _values(spec)) == [("A", 0.5), ("A", 0.6), ("B", 0.1)]


def test_gap_and_interval_charts_keep_only_rows_with_values():
    frame = pd.DataFrame({"name": ["x", "y", "z"], "est": [0.2, None, 0.4], "lo": [0.1, None, 0.3], "hi": [0.3, None, 0.5], "n": [20, None, 30]})
    spec = charts.estimates_with_intervals(frame, "name", "est", "lo", "hi", "n", "Lembaga", "Tingkat", percent=True).to_dict()
    assert [r["name"] for r in _values(spec)] == ["z", "x"]
    gaps = pd.DataFrame({"group": ["a", "b"], "ratio": [0.5, 1.0], "gap": [True, False]})
    spec = charts.group_gaps(gaps, "group", "ratio", "gap", "Kelompok", "Rasio", 1.0).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["condition"]["value"] == "#c0392b"
    skills = pd.DataFrame({"skill": [f"s{i}" for i in range(40)], "gap": [i - 20 for i in range(40)]})
    spec = charts.diverging_bars(skills, "skill", "gap", "Keterampilan", "Selisih", top=5).to_dict()
    assert len(_values(spec)) == 10
