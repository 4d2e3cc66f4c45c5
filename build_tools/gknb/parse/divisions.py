"""The national statistical division codes (统计用区划代码, 2023) and the names they go by.

The list (data/divisions.tsv.gz, see data/DIVISIONS.md) is loaded once. Every division is
indexed under the strings a report may use for it:

- `full`: the name as listed, and the name cleaned of the list's quirks (济源市下冶镇 → 下冶镇);
- `short`: the name without its level suffix (海阳市 → 海阳, 恩施土家族苗族自治州 → 恩施州, 恩施);
- `alias`: a name the division had before a common rename (撤县设区 X县 → X区, 撤县设市 X县 → X市,
  撤乡设镇 X乡 → X镇, 撤镇设街道 X镇 → X街道: SUFFIX_RENAMES) or an entry of RENAMES. Suffix renames
  are read backwards, and only for a string that is not a current name, so a former name never
  hides a division that exists today (朝阳县 is 辽宁's 朝阳县, not 北京's 朝阳区).

Not handled: mergers and splits (two counties merged into one district, a township moved to
another county), townships abolished by 撤并 since the report was written, renames whose stem
changed and that are not in RENAMES, and any change after the 2023 edition.
"""

from __future__ import annotations

import gc
import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Literal, NamedTuple

Level = Literal["province", "city", "county", "town"]
NameKind = Literal["full", "short", "alias"]

LEVEL_BY_CODE_LENGTH: dict[int, Level] = {2: "province", 4: "city", 6: "county", 9: "town"}
LEVELS: tuple[Level, ...] = ("province", "city", "county", "town")

# Structural entries of the list that are not the name of any place.
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# Short forms that are ordinary words in report prose; indexing them would find places everywhere.
STOP_SHORT = frozenset({
    "城区", "郊区", "矿区", "新区", "市中", "东方", "和平", "长安", "平安", "新华", "永安", "安定",
    "同心", "城中", "城东", "城西", "城北", "城南", "市北", "市南", "东区", "西区", "南区", "北区",
    "江北", "江南", "河东", "河西", "中山", "朝阳", "向阳", "红旗", "光明", "新兴", "永和", "青山",
    "白山", "金山", "宝山", "新城", "老城", "古城", "新市", "吉利", "大同", "共和", "民主", "团结",
    "开发", "高新", "经济", "发展", "建设", "新建", "安全", "文明", "和谐", "振兴", "复兴", "胜利",
    "先锋", "东风", "前进", "红星", "友谊", "东山", "西山", "南山", "北山", "中原", "中心", "龙华",
    "清河", "华容", "太和", "富民", "安宁", "阳光", "城关", "东城", "西城", "南城", "北城", "铁西",
    "铁东", "桥东", "桥西", "新民", "榆树", "东港", "海港", "港口", "上城", "下城", "市辖", "惠民",
    "公安", "资源", "通道", "大方", "方正", "兴业", "合作", "和政", "开平", "平和", "民和", "新化",
    "文化", "安远", "永新", "新宁", "新平", "新和", "正安", "建德", "开化", "南和", "宁乡", "乡宁",
    "平山", "石门", "红河", "清水", "东海", "阳新", "富平", "安平", "新乡", "长兴", "保康", "和平",
})

ETHNIC = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
    "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
    "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
_ETHNIC_ALT = "|".join(sorted(ETHNIC, key=len, reverse=True))
# 恩施土家族苗族自治州 → 恩施 + 州; 伊犁哈萨克自治州 → 伊犁 + 州; 小金川彝族乡 → 小金川 + 乡.
AUTONOMOUS = re.compile(rf"^(?P<stem>.{{2,}}?)(?:(?:{_ETHNIC_ALT})族?)+自治(?P<suffix>州|县|旗)$")
ETHNIC_TOWNSHIP = re.compile(rf"^(?P<stem>.{{2,}}?)(?:(?:{_ETHNIC_ALT})族)+(?P<suffix>乡|镇|苏木)$")

PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
CITY_SUFFIXES = ("地区", "市", "盟")
COUNTY_SUFFIXES = ("特区", "林区", "市", "县", "区", "旗")
TOWNSHIP_ENDINGS = ("镇", "乡", "街道", "办事处", "苏木")
# Township-level units of the list that are not townships and whose names start with one of
# these (经济开发区, 国营农场, 第二农场 …) say nothing of where they are: not indexed.
GENERIC_PREFIXES = (
    "经济", "开发", "高新", "工业", "产业", "园区", "园艺", "种畜", "畜牧", "原种", "良种", "农场", "林场",
    "国营", "国有", "社区", "城区", "现代", "农业", "旅游", "科技", "管理", "保税", "兵团", "居民", "党群",
    "食品", "示范", "综合", "生态", "物流", "商贸", "新区", "市", "县", "区", "第", "一", "二", "三", "四",
    "五", "六", "七", "八", "九", "十",
)
# County-level entries for development zones (e.g. 保定高新技术产业开发区, code xxxx71): their
# names have no short or former form.
ZONE_ENDINGS = ("开发区", "园区", "示范区", "新区", "合作区", "试验区", "实验区", "管理区", "工业区")

# Renames that only changed the suffix, read backwards: a name that is not in the list may be the
# former name of one that is. (former ending, current ending, level by code length, shortest stem)
SUFFIX_RENAMES: tuple[tuple[str, str, int, int], ...] = (
    ("县", "区", 6, 2),     # 撤县设区: 太谷县 → 太谷区
    ("县", "市", 6, 2),     # 撤县设市: 黔西县 → 黔西市
    ("市", "区", 6, 2),     # 撤市设区: 即墨市 → 即墨区
    ("县", "县区", 6, 1),   # 赣县 → 赣县区
    ("乡", "镇", 9, 2),     # 撤乡设镇
    ("乡", "街道", 9, 2),   # 撤乡设街道
    ("镇", "街道", 9, 2),   # 撤镇设街道
)
# Renames whose stem changed (a suffix swap is covered by SUFFIX_RENAMES):
# (name used before, current full name as written by full_name()).
RENAMES: tuple[tuple[str, str], ...] = (
    ("户县", "陕西省西安市鄠邑区"),          # 2016
    ("郫县", "四川省成都市郫都区"),          # 2016
    ("长治县", "山西省长治市上党区"),        # 2018
    ("大同县", "山西省大同市云州区"),        # 2018
    ("南郊区", "山西省大同市云冈区"),        # 2018
    ("芜湖县", "安徽省芜湖市湾沚区"),        # 2020
    ("莱芜市", "山东省济南市莱芜区"),        # 2019: a prefecture became a district
    ("襄樊市", "湖北省襄阳市"),              # 2010
)


class Division(NamedTuple):
    code: str          # as the list gives it: 2, 4, 6 or 9 digits
    name: str          # verbatim from the list, placeholders and prefixes included
    parent: str        # parent code, "" for a province
    display: str | None  # the name cleaned for people; None for placeholders such as 市辖区

    @property
    def level(self) -> Level:
        return LEVEL_BY_CODE_LENGTH[len(self.code)]

    @property
    def code12(self) -> str:
        return self.code.ljust(12, "0")


class NameMatch(NamedTuple):
    code: str
    kind: NameKind


@dataclass(frozen=True)
class Divisions:
    by_code: dict[str, Division]
    children: dict[str, tuple[str, ...]]
    index: dict[str, tuple[NameMatch, ...]]
    # first two characters of an indexed string → the lengths of the strings starting so:
    # scanning a text then costs one lookup per position and a few more where a name may start
    lengths_by_start: dict[str, tuple[int, ...]]
    # the first characters of those: most characters of a report start no name at all
    first_chars: frozenset[str]
    # runs of two or more characters that names are written with: no name crosses a character outside
    # them (punctuation, digits, most prose), so a text is scanned run by run
    name_runs: re.Pattern[str]
    # spans of names found in a run of name characters, by run: table labels and set phrases recur in
    # every report (see region.raw_spans)
    run_spans: dict[str, tuple[tuple[int, int], ...]]


def read_rows() -> list[tuple[str, str, str]]:
    """The raw lines of the data file."""
    data = resources.files("gknb").joinpath("data/divisions.tsv.gz").read_bytes()
    text = gzip.decompress(data).decode("utf-8")
    return [(c, n, p) for c, n, p in (line.split("\t") for line in text.splitlines())]


def strip_ancestor_prefix(name: str, ancestors: Iterable[str]) -> str:
    """济源市下冶镇 → 下冶镇, 四平市铁东区平东街道 → 平东街道: the list's prefixed township names."""
    for prefix in ancestors:
        if name.startswith(prefix) and len(name) - len(prefix) >= 2:
            name = name[len(prefix):]
    if name.startswith("人民政府") and len(name) > 6:
        name = name[len("人民政府"):]
    return name


def display_name(by_code: dict[str, Division], code: str, name: str, parent: str) -> str | None:
    if name in PLACEHOLDERS:
        return None
    if parent in by_code and name == by_code[parent].name:
        return None  # 东莞市 listed again as its own county
    return name


def township_display(name: str, prefixes: tuple[str, ...]) -> str:
    """济源市下冶镇 → 下冶镇, but 代县党群服务中心 keeps its county: what is left must be a township."""
    if not name.startswith(prefixes):  # the common case, one call
        return name
    stripped = strip_ancestor_prefix(name, prefixes)
    return stripped if stripped.endswith(TOWNSHIP_ENDINGS) else name


def build_divisions(rows: list[tuple[str, str, str]]) -> dict[str, Division]:
    by_code: dict[str, Division] = {}
    prefixes: dict[str, tuple[str, ...]] = {}  # county code → names of the county and its ancestors
    for code, name, parent in rows:  # sorted by code: parents come first
        if len(code) == 9 and name != by_code[parent].name:
            if parent not in prefixes:
                prefixes[parent] = tuple(by_code[parent[:k]].name for k in (2, 4, 6))
            display: str | None = township_display(name, prefixes[parent])
        else:
            display = display_name(by_code, code, name, parent)
        by_code[code] = Division(code, name, parent, display)
    return by_code


def ancestry(by_code: dict[str, Division], code: str) -> list[Division]:
    """The division with this code and its ancestors, province first."""
    out: list[Division] = []
    while code and code in by_code:
        out.append(by_code[code])
        code = by_code[code].parent
    return out[::-1]


def strip_suffix(name: str, suffixes: Iterable[str]) -> str | None:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def short_forms(division: Division) -> list[str]:
    """Names without the level suffix, e.g. 海阳 for 海阳市, 恩施州 and 恩施 for the 自治州."""
    name = division.display
    if name is None or division.level == "town" or name.endswith(ZONE_ENDINGS):
        return []
    autonomous = AUTONOMOUS.match(name)
    if autonomous:
        stem = autonomous["stem"]
        return [stem + autonomous["suffix"], stem]
    suffixes = {"province": PROVINCE_SUFFIXES, "city": CITY_SUFFIXES}.get(division.level, COUNTY_SUFFIXES)
    stem = strip_suffix(name, suffixes)
    return [stem] if stem and stem not in STOP_SHORT else []


def generic_unit(name: str) -> bool:
    """经济开发区, 种畜场, 五农场: a township-level unit whose name holds no place name."""
    return not name.endswith(TOWNSHIP_ENDINGS) and (len(name) < 4 or name.startswith(GENERIC_PREFIXES))


def township_forms(division: Division) -> list[str]:
    """A township under the names it is written with: 漓东街道办事处 / 漓东街道, 科技城（东渚街道）."""
    name = division.display or division.name
    forms = [] if generic_unit(name) else [name]
    if division.name != name and not generic_unit(division.name):
        forms.append(division.name)  # the list's own, prefixed form: 济源市下冶镇
    if not forms:
        return forms
    if name.endswith("街道办事处"):
        forms.append(name[: -len("办事处")])
    elif name.endswith("街道"):
        forms.append(name + "办事处")  # so that a body name's longest match is not another place's
    if "族" in name:
        ethnic = ETHNIC_TOWNSHIP.match(name)
        if ethnic:
            forms.append(ethnic["stem"] + ethnic["suffix"])
    if "（" in name or "(" in name:
        forms.extend(p for p in re.split(r"[（）()]", name) if len(p) >= 3)
    return forms


@lru_cache(maxsize=1 << 16)  # text scans ask for the same few thousand strings in every report
def former_name(name: str) -> tuple[NameMatch, ...]:
    """`renamed_to` on the loaded list."""
    return renamed_to(load().index, name)


def renamed_to(index: dict[str, tuple[NameMatch, ...]], name: str) -> tuple[NameMatch, ...]:
    """The divisions a name missing from the list may have become by a suffix rename (太谷县 → 太谷区)."""
    found: dict[NameMatch, None] = {}
    for former, current, code_length, min_stem in SUFFIX_RENAMES:
        stem = name[: -len(former)]
        if not name.endswith(former) or len(stem) < min_stem or stem in STOP_SHORT:
            continue
        for match in index.get(stem + current, ()):
            if match.kind == "full" and len(match.code) == code_length:
                found[NameMatch(match.code, "alias")] = None
    return tuple(found)


def name_entries(division: Division) -> list[tuple[str, NameMatch]]:
    """The strings a division is indexed under, each with how it matches."""
    if division.display is None:
        return []
    full = NameMatch(division.code, "full")
    if len(division.code) == 9:
        return [(form, full) for form in township_forms(division)]
    short = NameMatch(division.code, "short")
    return [(division.display, full)] + [(form, short) for form in short_forms(division)]


def full_name(by_code: dict[str, Division], code: str) -> str:
    return "".join(d.display for d in ancestry(by_code, code) if d.display)


def rename_entries(by_code: dict[str, Division]) -> Iterable[tuple[str, str]]:
    current = {full_name(by_code, code): code for code, d in by_code.items() if d.level != "town"}
    for old, new in RENAMES:
        if new in current:
            yield old, current[new]


def build_index(by_code: dict[str, Division]) -> dict[str, tuple[NameMatch, ...]]:
    collected: dict[str, list[NameMatch]] = {}
    for division in by_code.values():
        for form, match in name_entries(division):
            collected.setdefault(form, []).append(match)
    for old, code in rename_entries(by_code):
        collected.setdefault(old, []).append(NameMatch(code, "alias"))
    return {form: current_first(matches) for form, matches in collected.items() if len(form) >= 2}


def current_first(matches: list[NameMatch]) -> tuple[NameMatch, ...]:
    """Drop aliases where the string is the name of a division that exists today, and repeats."""
    if len(matches) == 1:
        return (matches[0],)
    unique = tuple(dict.fromkeys(matches))
    current = tuple(m for m in unique if m.kind != "alias")
    return current or unique


@lru_cache(maxsize=1)
def load() -> Divisions:
    """The division list and its name index, built once per process."""
    # The build allocates ~300k small objects and none of them forms a cycle: the cyclic
    # collector would only rescan them, which doubles the time.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        built = build_all()
    finally:
        if gc_was_enabled:
            gc.enable()
    # They live as long as the process: out of the collector's view (with whatever else is alive
    # now), or every full collection of a build rescans them, four fifths of what it scans.
    gc.freeze()
    return built


def build_all() -> Divisions:
    by_code = build_divisions(read_rows())
    children: dict[str, list[str]] = {}
    for division in by_code.values():
        children.setdefault(division.parent, []).append(division.code)
    index = build_index(by_code)
    lengths = start_lengths(index)
    return Divisions(by_code, {k: tuple(v) for k, v in children.items()}, index, lengths,
                     frozenset(start[0] for start in lengths), name_runs_pattern(index), {})


def name_runs_pattern(index: dict[str, tuple[NameMatch, ...]]) -> re.Pattern[str]:
    """Runs of the characters of every indexed name and of the former endings a rename may put back
    (divisions.former_name): any string the index or a rename knows is made of these alone."""
    characters = set("".join(index)) | set("".join(former for former, _, _, _ in SUFFIX_RENAMES))
    return re.compile(f"[{''.join(re.escape(c) for c in sorted(characters))}]{{2,}}")


def start_lengths(index: dict[str, tuple[NameMatch, ...]]) -> dict[str, tuple[int, ...]]:
    collected: dict[str, set[int]] = {}
    renamed_endings = tuple(current for _, current, _, _ in SUFFIX_RENAMES)
    for key in index:
        sizes = collected.setdefault(key[:2], set())
        sizes.add(len(key))
        if key.endswith(renamed_endings):
            sizes.update(len(key) - len(current) + len(former)
                         for former, current, _, _ in SUFFIX_RENAMES if key.endswith(current))
    return {start: tuple(sorted(sizes)) for start, sizes in collected.items()}


def division(code: str) -> Division | None:
    """The division with this code (2/4/6/9 digits, or the 12-digit form)."""
    by_code = load().by_code
    return by_code.get(code) or by_code.get(short_code(code))


def short_code(code: str) -> str:
    """141181106000 → 141181106, 410000000000 → 41."""
    stripped = code.rstrip("0")
    for length in (2, 4, 6, 9):
        if len(stripped) <= length:
            return code[:length]
    return code


def children(code: str) -> list[Division]:
    data = load()
    return [data.by_code[c] for c in data.children.get(code, ())]


def chain(code: str) -> list[Division]:
    """The division and its ancestors, province first."""
    return ancestry(load().by_code, code)


def path_name(code: str) -> str:
    """山东省烟台市海阳市行村镇: the names down to this division, placeholders left out."""
    return full_name(load().by_code, code)


def named(name: str) -> list[Division]:
    """All divisions that go by this string (full names, short forms and former names)."""
    by_code = load().by_code
    return [by_code[m.code] for m in lookup(name)]


def lookup(name: str) -> tuple[NameMatch, ...]:
    """The divisions a string names: current names first, former names only where none is current."""
    return load().index.get(name) or former_name(name)
