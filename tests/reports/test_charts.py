"""The report charts: inline SVG that parses, segments proportional to the shares, every text
escaped, an empty bar when nobody is classified, at most 60 children, and on the report page."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from doanvien.reports.charts import (
    LEVELS_WIDTH,
    MAX_CHILDREN,
    ROW_NAME_CHARS,
    ROWS_WIDTH,
    children_bars,
    level_distribution,
    progress_bars,
)
from doanvien.reports.selectors import ReportRow
from doanvien.training.progress import UnitProgress
from doanvien.training.services.assessment import assessment_record
from doanvien.training.services.registrations import registration_approve
from doanvien.units.models import Unit

from ..factories import evaluation_passed
from .test_rollup import AREAS, YEAR, _register

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def row(name="Chi đoàn 12A1", excellent=0, good=0, complete=0, incomplete=0, not_classified=0):
    counts = {"excellent": excellent, "good": good, "complete": complete, "incomplete": incomplete}
    return ReportRow(
        unit=Unit(name=name),
        total=sum(counts.values()) + not_classified,
        not_classified=not_classified,
        counts=counts,
    )


def parse(svg) -> ET.Element:
    root = ET.fromstring(str(svg))
    assert root.tag == SVG + "svg"
    assert root.find("svg:title", NS) is not None and root.get("role") == "img"
    return root


def segments(element) -> list[ET.Element]:
    return [r for r in element.iter(SVG + "rect") if "seg" in r.get("class", "")]


def texts(element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(SVG + "text")]


@pytest.mark.parametrize(
    "counts",
    [(1, 1, 1, 1), (30925, 11424, 1669, 0), (1, 2, 0, 0), (0, 0, 0, 7), (3, 0, 5, 1), (1, 1, 1, 0)],
)
def test_segments_are_proportional_to_the_shares_and_fill_the_bar(counts):
    r = row(**dict(zip(("excellent", "good", "complete", "incomplete"), counts, strict=True)))
    root = parse(level_distribution(r))
    segs = segments(root)
    assert abs(sum(float(s.get("width")) for s in segs) - LEVELS_WIDTH) < 0.01
    for s in segs:
        level = s.get("class").split("seg-")[1]
        share = float(r.levels[level]["share"])
        assert abs(float(s.get("width")) - LEVELS_WIDTH * share / 100) < 0.01
    # Side by side, no gap, no overlap.
    for left, right in zip(segs, segs[1:], strict=False):
        assert abs(float(left.get("x")) + float(left.get("width")) - float(right.get("x"))) < 0.01
    assert len(segs) == sum(1 for c in counts if c)
    assert len({s.get("fill") for s in segs}) == len(segs)


def test_the_legend_is_translated_and_shares_use_the_locale_decimal_separator():
    r = row(excellent=1, good=1, complete=1, incomplete=1)
    with translation.override("vi"):
        words = texts(parse(level_distribution(r)))
        assert {"Xuất sắc", "Tốt", "Hoàn thành", "Không hoàn thành"} <= set(words)
        assert "1 · 25,00\u00a0%" in words  # Vietnamese: a space before the sign
    with translation.override("en"):
        words = texts(parse(level_distribution(r)))
        assert {"Excellent", "Good", "Complete", "Incomplete"} <= set(words)
        assert "1 · 25.00%" in words


def test_an_empty_row_draws_a_neutral_bar():
    with translation.override("en"):
        for svg in (level_distribution(row(not_classified=3)), children_bars([row()])):
            root = parse(svg)
            assert not segments(root)
            assert "No classified members" in texts(root)
            assert root.find(".//svg:rect[@class='empty-bar']", NS) is not None


def test_every_text_is_escaped():
    evil = '<script>alert("x")</script> & co'
    r = row(name=evil, excellent=2, incomplete=1)
    for svg in (
        level_distribution(r),
        children_bars([r]),
        progress_bars([UnitProgress(unit=r.unit, members=4, registered=2, assessed=1)]),
    ):
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        root = parse(svg)  # escaped, so still well-formed
        assert any(evil[:20] in t for t in texts(root) + [root.find("svg:title", NS).text])


def test_children_have_a_bar_each_long_names_are_cut_and_kept_whole_in_the_title():
    long_name = "Chi đoàn Khối Văn phòng Sở Giáo dục và Đào tạo tỉnh Sông Xanh mở rộng"
    rows = [row("Chi đoàn 12A1", excellent=3, good=1), row(long_name, good=2, incomplete=2)]
    root = parse(children_bars(rows))
    children = root.findall("svg:g[@class='child']", NS)
    assert len(children) == 2
    for g, r in zip(children, rows, strict=True):
        assert len(segments(g)) == 2
        assert g.find("svg:title", NS).text.startswith(r.unit.name)
    cut = texts(children[1])[0]
    assert cut.endswith("…") and len(cut) <= ROW_NAME_CHARS and long_name.startswith(cut[:-1])
    assert texts(children[0])[0] == "Chi đoàn 12A1"


def test_children_bars_are_as_long_as_their_classified_members_with_the_number_printed():
    rows = [
        row("Chi đoàn 12A1", excellent=300, good=100),  # 400 classified: the longest bar
        row("Chi đoàn 12A2", good=50, incomplete=50),  # 100
        row("Chi đoàn 12A3", complete=1355, not_classified=7),  # 1355
    ]
    with translation.override("vi"):
        root = parse(children_bars(rows))
    children = root.findall("svg:g[@class='child']", NS)
    widths = [sum(float(s.get("width")) for s in segments(g)) for g in children]
    assert widths[2] == pytest.approx(ROWS_WIDTH - 52, abs=0.01)  # the largest fills the track
    assert widths[0] == pytest.approx(widths[2] * 400 / 1355, abs=0.01)
    assert widths[1] == pytest.approx(widths[0] / 4, abs=0.01)
    # Each bar's number is printed just after its end, grouped the Vietnamese way.
    values = [g.find("svg:text[@class='value']", NS) for g in children]
    assert ["".join(v.itertext()) for v in values] == ["400", "100", "1.355"]
    for value, width in zip(values, widths, strict=True):
        assert float(value.get("x")) == pytest.approx(width + 4, abs=0.05)


def test_every_chart_is_reachable_by_keyboard_and_named_by_its_figures():
    r = row("Chi đoàn 12A1", excellent=1355, good=1)
    progress = UnitProgress(unit=r.unit, members=4, registered=2, assessed=1)
    with translation.override("vi"):
        for svg in (level_distribution(r), children_bars([r]), progress_bars([progress])):
            root = parse(svg)
            assert root.get("tabindex") == "0"
            name = root.find("svg:title", NS).text
            assert name.startswith("Chi đoàn 12A1: ")
            assert "1.355" in name or "50,0\u00a0%" in name


def test_at_most_60_children_are_drawn_then_a_note():
    def height(svg):
        return float(parse(svg).get("viewBox").split()[3])

    rows = [row(f"Chi đoàn {i:03}", excellent=i % 3, good=1) for i in range(75)]
    with translation.override("en"):
        root = parse(children_bars(rows))
        assert len(root.findall("svg:g[@class='child']", NS)) == MAX_CHILDREN == 60
        assert "and 15 more" in texts(root)
        assert "and" not in " ".join(texts(parse(children_bars(rows[:60]))))
    assert height(children_bars(rows[:10])) < height(children_bars(rows[:20]))


def test_progress_bars_show_both_rates():
    rows = [
        UnitProgress(unit=Unit(name="Chi đoàn 12A1"), members=8, registered=6, assessed=3),
        UnitProgress(unit=Unit(name="Chi đoàn 12A2"), members=0),
    ]
    with translation.override("vi"):
        root = parse(progress_bars(rows))
    first, second = root.findall("svg:g[@class='child']", NS)
    assert {"75,0\u00a0%", "37,5\u00a0%"} <= set(texts(first))
    reg = first.find(".//svg:rect[@class='rate rate-registration']", NS)
    ass = first.find(".//svg:rect[@class='rate rate-assessment']", NS)
    assert float(reg.get("width")) == pytest.approx(2 * float(ass.get("width")), abs=0.01)
    assert second.find(".//svg:rect[@class='rate rate-registration']", NS) is None
    assert texts(second).count("0,0\u00a0%") == 2


def test_the_report_page_shows_the_charts(client, world, framework):
    evaluation_passed(world.province, YEAR)

    registration = registration_approve(actor=None, registration=_register(world.member))
    assessment_record(actor=None, registration=registration, areas=dict.fromkeys(AREAS, 19))
    client.force_login(world.base_cadre)
    html = client.get(reverse("reports:unit-report", args=[world.base.pk, YEAR])).content.decode()
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(svgs) == 3
    levels, children, progress = (parse(s) for s in svgs)
    assert len(segments(levels)) == 2  # one excellent, the others incomplete
    assert len(children.findall("svg:g[@class='child']", NS)) == 2
    # Progress per child: the member's branch has its one registration and assessment drawn.
    drawn = {
        g.find("svg:title", NS).text.split(":")[0]: g
        for g in progress.findall("svg:g[@class='child']", NS)
    }
    assert set(drawn) == {world.branch.name, world.branch2.name}
    own = drawn[world.branch.name]
    assert own.find(".//svg:rect[@class='rate rate-registration']", NS) is not None
    assert own.find(".//svg:rect[@class='rate rate-assessment']", NS) is not None
    assert drawn[world.branch2.name].find(".//svg:rect[@class='rate rate-assessment']", NS) is None
    assert "<script" not in "".join(svgs)
