"""Region (province → township, with code) and body type, from body names and report text."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from gknb.parse import divisions as dv
from gknb.model.record import REGION_LEVELS, Record
from gknb.parse.region import classify_body, find_mentions, resolve_region

DATA = Path(__file__).parent / "data" / "bodies.tsv"
CONTENT = Path(__file__).resolve().parent.parent / "content"
DIVISIONS_FILE = Path(dv.__file__).parent.parent / "data" / "divisions.tsv.gz"


def read_bodies() -> list[dict[str, str]]:
    with open(DATA, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


BODIES = read_bodies()


def expected_region(row: dict[str, str]) -> dict[str, str | None]:
    return {key: row[key] or None for key in (*REGION_LEVELS, "code")}


# ---------------------------------------------------------------- the table of body names


@pytest.mark.parametrize("row", BODIES, ids=[row["name"] for row in BODIES])
def test_body_region_and_type(row: dict[str, str]) -> None:
    region = resolve_region(row["name"], row["text"])
    assert region.to_dict() == expected_region(row)
    assert region.ambiguous == []
    assert classify_body(row["name"], row["text"], region) == row["type"]


def test_body_table_covers_the_issue() -> None:
    assert len(BODIES) >= 60
    assert len({row["province"] for row in BODIES}) >= 20
    types = {row["type"] for row in BODIES}
    assert {"乡镇", "街道", "县级政府", "市级政府", "县级部门", "市级部门", "开发区管委会"} <= types
    assert any("自治州" in row["city"] for row in BODIES)
    assert any(row["city"].endswith("盟") for row in BODIES)
    assert any(row["city"].endswith("地区") for row in BODIES)
    repeated = [row for row in BODIES if row["town"] and len(dv.named(row["town"])) > 1]
    assert len(repeated) >= 8


@pytest.mark.parametrize("row", BODIES, ids=[row["name"] for row in BODIES])
def test_table_codes_come_from_the_division_list(row: dict[str, str]) -> None:
    division = dv.division(row["code"])
    assert division is not None
    assert dv.path_name(division.code) == "".join(row[k] for k in REGION_LEVELS)


# ---------------------------------------------------------------- the five seeds

SEEDS = [
    ("下冶镇人民政府-2021.txt", "下冶镇人民政府",
     {"province": "河南省", "city": None, "county": "济源市", "town": "下冶镇", "code": "419001110000"}, "乡镇"),
    ("柱濮镇-2023.txt", "柱濮镇",
     {"province": "山西省", "city": "吕梁市", "county": "孝义市", "town": "柱濮镇", "code": "141181106000"}, "乡镇"),
    ("会宁县乡村振兴局-2021.txt", None,
     {"province": "甘肃省", "city": "白银市", "county": "会宁县", "town": None, "code": "620422000000"}, "县级部门"),
    ("海阳市行村镇人民政府-2020.txt", "海阳市行村镇人民政府",
     {"province": "山东省", "city": "烟台市", "county": "海阳市", "town": "行村镇", "code": "370687108000"}, "乡镇"),
    ("段店乡-2022.txt", "段店乡",
     {"province": "山西省", "city": "临汾市", "county": "尧都区", "town": "段店乡", "code": "141002200000"}, "乡镇"),
]


@pytest.mark.parametrize(("filename", "name", "region", "body_type"), SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_region_and_type(filename: str, name: str | None, region: dict[str, str | None],
                              body_type: str) -> None:
    text = (CONTENT / filename).read_text(encoding="utf-8")
    result = resolve_region(name, text)
    assert result.to_dict() == region
    assert result.ambiguous == []
    assert classify_body(name, text, result) == body_type


def test_seed_002_from_its_sidecar_name() -> None:
    text = (CONTENT / "会宁县乡村振兴局-2021.txt").read_text(encoding="utf-8")
    result = resolve_region("会宁县乡村振兴局", text)
    assert result.name == "甘肃省白银市会宁县"
    assert classify_body("会宁县乡村振兴局", text, result) == "县级部门"


def test_seed_002_evidence_names_the_gansu_office_and_the_county() -> None:
    text = (CONTENT / "会宁县乡村振兴局-2021.txt").read_text(encoding="utf-8")
    evidence = resolve_region(None, text).evidence
    assert "text: 甘肃省 → 甘肃省" in evidence
    assert "text: 会宁 → 甘肃省白银市会宁县" in evidence


def test_seed_codes_are_in_the_division_list() -> None:
    for _, _, region, _ in SEEDS:
        division = dv.division(str(region["code"]))
        assert division is not None and division.display in (region["town"], region["county"])


# ---------------------------------------------------------------- repeated names, ambiguity


def test_repeated_township_without_county_is_left_open() -> None:
    result = resolve_region("城关镇人民政府", "我镇认真贯彻落实《条例》。")
    assert result.town is None
    assert result.code is None
    assert len(result.ambiguous) == 21  # 20 listed and the count
    assert result.ambiguous[-1].startswith("……共 ")


def test_repeated_township_keeps_the_certain_province() -> None:
    result = resolve_region("城关镇人民政府", "按照甘肃省人民政府信息公开办公室的通知要求")
    assert result.to_dict() == {"province": "甘肃省", "city": None, "county": None, "town": None,
                                "code": "620000000000"}
    assert all(candidate.startswith("甘肃省") for candidate in result.ambiguous)
    assert "甘肃省兰州市永登县城关镇（620121100000）" in result.ambiguous


def test_repeated_township_only_one_in_the_named_province_is_still_left_open() -> None:
    # 天津 has one 城关镇, but the issue asks for its county or city: a province is not enough
    result = resolve_region("城关镇人民政府", "根据天津市人民政府要求")
    assert result.to_dict()["province"] == "天津市" and result.town is None
    assert result.ambiguous == ["天津市武清区城关镇（120114110000）"]


def test_repeated_township_decided_by_its_county_in_the_text() -> None:
    result = resolve_region("城关镇人民政府", "在永登县委县政府的正确领导下")
    assert result.name == "甘肃省兰州市永登县城关镇"
    assert result.ambiguous == []


def test_repeated_county_name_decided_by_city() -> None:
    assert resolve_region("沈阳市和平区人民政府", "").name == "辽宁省沈阳市和平区"
    assert resolve_region("天津市和平区人民政府", "").name == "天津市和平区"


def test_a_tie_under_a_placeholder_keeps_the_province() -> None:
    # 仙桃市 and 潜江市 share 湖北's 省直辖县级行政区划 (4290), which is no place
    result = resolve_region(None, "在仙桃市和潜江市")
    assert result.to_dict()["code"] == "420000000000" and result.city is None
    assert result.ambiguous == ["湖北省仙桃市（429004000000）", "湖北省潜江市（429005000000）"]


def test_nothing_known_gives_an_empty_region() -> None:
    result = resolve_region(None, "")
    assert result.to_dict() == {"province": None, "city": None, "county": None, "town": None, "code": None}
    assert result.ambiguous == []


def test_a_county_department_is_not_placed_in_a_township_its_text_mentions() -> None:
    result = resolve_region("会宁县教育局", "会宁县教育局在会师镇召开现场会")
    assert result.name == "甘肃省白银市会宁县"


def sample_townships(count: int) -> list[dv.Division]:
    towns = [d for d in dv.load().by_code.values()
             if len(d.code) == 9 and d.display and d.display.endswith(dv.TOWNSHIP_ENDINGS)]
    return random.Random(7).sample(towns, count)


def test_any_township_named_with_its_city_and_county_resolves_to_itself() -> None:
    wrong = []
    for town in sample_townships(400):
        upper = "".join(d.display or "" for d in dv.chain(town.code)[1:3])
        suffix = "办事处" if town.display and town.display.endswith("街道") else "人民政府"
        name = f"{upper}{town.display}{suffix}"
        region = resolve_region(name, "")
        if region.code != town.code12 or classify_body(name, "", region) not in ("乡镇", "街道"):
            wrong.append((name, region.name))
    assert wrong == []


# ---------------------------------------------------------------- text noise


@pytest.mark.parametrize(("text", "not_found"), [
    ("依托政府信息公开平台发布信息", "开平"),   # 公开平台, not 开平区
    ("加强党务和政务公开", "和政"),            # 和政务, not 和政县
    ("落实惠民政策", "惠民"),
    ("城区道路改造", "城区"),
])
def test_ordinary_words_are_not_places(text: str, not_found: str) -> None:
    assert not_found not in [m.text for m in find_mentions(text, "text")]


# ---------------------------------------------------------------- renames


@pytest.mark.parametrize(("old_name", "current"), [
    ("太谷县人民政府", "山西省晋中市太谷区"),      # 撤县设区, suffix swap
    ("黔西县人民政府", "贵州省毕节市黔西市"),      # 撤县设市
    ("郫县人民政府", "四川省成都市郫都区"),        # RENAMES table
    ("莱芜市人民政府", "山东省济南市莱芜区"),      # a prefecture became a district
    ("柱濮乡人民政府", "山西省吕梁市孝义市柱濮镇"),  # 撤乡设镇
])
def test_former_names_resolve_to_the_current_division(old_name: str, current: str) -> None:
    assert resolve_region(old_name, "").name == current


def test_every_rename_points_at_an_existing_division() -> None:
    for old, new in dv.RENAMES:
        assert dv.lookup(old), old
        assert all(dv.path_name(match.code) == new for match in dv.lookup(old))


def test_an_alias_never_hides_a_current_name() -> None:
    # 朝阳县 exists (辽宁); it must not also stand for a former name of 朝阳区
    assert {m.kind for m in dv.lookup("朝阳县")} == {"full"}


# ---------------------------------------------------------------- body type without a name


@pytest.mark.parametrize(("text", "body_type"), [
    ("我局认真贯彻落实《条例》。在县委县政府的正确领导下", "县级部门"),
    ("我局在市委市政府的领导下，按照省政府要求", "市级部门"),
    ("我委认真落实区委区政府部署", "县级部门"),
    ("我镇政务公开工作在县委县政府领导下", "乡镇"),
    ("本街道严格落实区委区政府要求", "街道"),
    ("本年度工作情况如下", None),
])
def test_body_type_from_text_alone(text: str, body_type: str | None) -> None:
    assert classify_body(None, text, resolve_region(None, text)) == body_type


def test_county_level_city_makes_its_bureau_a_county_department() -> None:
    text = "我局在市委市政府的正确领导下"
    region = resolve_region("孝义市财政局", text)
    assert classify_body(None, text, region) == "县级部门"


# ---------------------------------------------------------------- the division list


def test_data_file_is_small() -> None:
    assert DIVISIONS_FILE.stat().st_size < 3_000_000


def test_division_list_loads_whole() -> None:  # how fast: benchmarks/bench.py
    dv.load.cache_clear()
    data = dv.load()
    assert len(data.by_code) == 44703


def test_levels_and_codes() -> None:
    town = dv.division("141181106000")
    assert town is not None and town.code == "141181106" and town.level == "town"
    assert town.code12 == "141181106000"
    assert [d.display for d in dv.chain(town.code)] == ["山西省", "吕梁市", "孝义市", "柱濮镇"]
    assert dv.division("410000000000") == dv.division("41")


def test_prefixed_township_is_indexed_under_its_own_name() -> None:
    assert [d.code for d in dv.named("下冶镇")] == ["419001110"]
    assert [d.code for d in dv.named("济源市下冶镇")] == ["419001110"]
    assert "下冶镇" in [d.display for d in dv.children("419001")]


def test_placeholders_have_no_display_name() -> None:
    assert dv.division("4190") is not None and dv.division("4190").display is None  # type: ignore[union-attr]
    assert dv.division("1101") is not None and dv.division("1101").display is None  # type: ignore[union-attr]
    assert dv.division("441900") is not None and dv.division("441900").display is None  # type: ignore[union-attr]


@pytest.mark.parametrize(("short", "full"), [
    ("海阳", "山东省烟台市海阳市"), ("恩施州", "湖北省恩施土家族苗族自治州"), ("延边", "吉林省延边朝鲜族自治州"),
    ("长阳县", "湖北省宜昌市长阳土家族自治县"), ("内蒙古", "内蒙古自治区"), ("广西", "广西壮族自治区"),
])
def test_short_forms(short: str, full: str) -> None:
    assert full in [dv.path_name(d.code) for d in dv.named(short)]


def test_township_name_repeats_as_the_issue_says() -> None:
    raw = [d for d in dv.load().by_code.values() if d.name == "城关镇"]
    assert len(raw) == 88


def test_region_dict_has_the_record_shape() -> None:
    assert set(resolve_region("段店乡", "").to_dict()) == set(Record(source={}).region)
