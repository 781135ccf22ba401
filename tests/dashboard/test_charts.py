"""Chart specs read without Streamlit: what is plotted, what is left out."""

import pandas as pd
import pytest

from dashboard import charts
from dashboard.boundaries import ENV_VARIABLE, SHIPPED, configured_boundaries, load_boundaries
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


def test_map_draws_points_from_coordinates():
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


def test_the_map_has_the_shipped_province_outlines_as_its_base(monkeypatch):
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    boundaries = configured_boundaries()
    assert boundaries.topology["type"] == "Topology"
    geometries = boundaries.topology["objects"][boundaries.object_name]["geometries"]
    assert len(geometries) == 38 and len({g["properties"]["KODE_PROV"] for g in geometries}) == 38
    assert SHIPPED.stat().st_size < 1_000_000  # simplified: a page loads it with the map
    assert "CC BY 4.0" in (SHIPPED.parent / "ATTRIBUTION.md").read_text(encoding="utf-8")
    spec = charts.regency_map(REGENCIES, **MAP_ARGS, boundaries=boundaries).to_dict()
    assert spec["layer"][0]["mark"]["type"] == "geoshape" and "transform" not in spec["layer"][0]
    zoomed = charts.regency_map(REGENCIES, **MAP_ARGS, boundaries=boundaries, province_code="35").to_dict()
    assert zoomed["layer"][0]["transform"] == [{"filter": "datum.properties.KODE_PROV == '35'"}]


def test_the_shipped_outlines_contain_every_regency_point():
    """Each regency lies in its own province's outline box, give or take a degree (small islands such as Kepulauan Seribu are not outlined)."""
    import json

    from prakerja.reference.regions import read_regencies

    topology = json.loads(SHIPPED.read_text(encoding="utf-8"))
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    boxes = {}
    for geometry in topology["objects"]["provinces"]["geometries"]:
        indices = []

        def collect(item):
            if isinstance(item, int):
                indices.append(item if item >= 0 else ~item)
            else:
                for inner in item:
                    collect(inner)

        collect(geometry["arcs"])
        xs = [p[0] for i in indices for p in arcs[i]]
        ys = [p[1] for i in indices for p in arcs[i]]
        boxes[geometry["properties"]["KODE_PROV"]] = (min(xs) - 1, max(xs) + 1, min(ys) - 1, max(ys) + 1)
    outside = [
        row["name"] for row in read_regencies()
        if not (boxes[row["province_code"]][0] <= row["longitude"] <= boxes[row["province_code"]][1] and boxes[row["province_code"]][2] <= row["latitude"] <= boxes[row["province_code"]][3])
    ]
    assert outside == []


def test_boundaries_file_errors_are_user_errors(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
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


def test_each_measure_gets_its_own_small_chart_and_scale():
    frame = pd.DataFrame({"group": [1, 2], "rate": [0.99, 1.0], "hired": [0.01, None], "wage": [1_300_000, 1_500_000]})
    measures = {"rate": ("Selesai", "percent"), "hired": ("Diterima", "percent"), "wage": ("Gaji", "rupiah")}
    spec = charts.measure_panels(frame, "group", measures, "Gelombang").to_dict()
    assert [panel["title"]["text"] for panel in spec["concat"]] == ["Selesai", "Diterima", "Gaji"]
    assert spec["resolve"]["scale"]["y"] == "independent"  # a rate near 100% and one near 0% each fill their panel
    assert spec["concat"][2]["encoding"]["y"]["axis"]["format"] == "$,.0f"


def test_charts_write_numbers_the_indonesian_way():
    chart = charts.localized(charts.simple_bars(pd.DataFrame({"a": ["x"], "b": [1]}), "a", "b", "A", "B"), "id").to_dict()
    assert chart["config"]["locale"]["number"]["decimal"] == "," and chart["config"]["locale"]["number"]["thousands"] == "."
    assert chart["config"]["locale"]["number"]["currency"] == ["Rp", ""]
    assert charts.localized(charts.simple_bars(pd.DataFrame({"a": ["x"], "b": [1]}), "a", "b", "A", "B"), "en").to_dict()["config"]["locale"]["number"]["decimal"] == "."


def test_provider_names_are_never_cut_and_rates_never_go_below_zero():
    frame = pd.DataFrame({"name": ["Balai Pelatihan Vokasi dan Produktivitas Bandung"], "est": [0.02], "lo": [0.0], "hi": [0.1], "n": [40]})
    spec = charts.estimates_with_intervals(frame, "name", "est", "lo", "hi", "n", "Lembaga", "Tingkat", percent=True).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["axis"]["labelLimit"] == 0
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domainMin"] == 0


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
