"""A report's region (province → township, with the statistical division code) and body type.

The region is the chain of divisions consistent with the most weighted mentions: names found in
the body name weigh most, then names in the text (more if followed by 人民政府, 政府, 信息公开办公室 …).
Township names repeat (城关镇 × 88), so a repeated township is only taken when a mention of its
county or city backs it; where mentions tie, only the levels the candidates share are kept and the
candidates are listed in `ambiguous`.

The body type comes from rules kept as data: suffix patterns on the body name give a category
(development zone, dispatched office, township, government, department …); the level of a
government or department is that of the deepest division in its name, or of the level words the
text uses for itself and its superiors (我局 … 县委县政府 → a county-level department).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from gknb.parse import divisions as dv
from gknb.parse.divisions import Level
from gknb.model.body_types import BodyType

Source = Literal["name", "text"]

# Weight of one mention, by where it was found and how it matched (divisions.NameKind).
WEIGHTS: dict[tuple[Source, dv.NameKind], float] = {
    ("name", "full"): 10.0, ("name", "alias"): 8.0, ("name", "short"): 5.0,
    ("text", "full"): 1.0, ("text", "alias"): 0.5, ("text", "short"): 0.5,
}
# Words after a name in the text that show the name is the report's own government or superior.
GOVERNMENT_CONTEXT = re.compile(r"(人民政府|政府|委|政务公开|信息公开|党委|区委|县委|市委|省委)")
CONTEXT_BONUS = 1.0
REPEAT_BONUS = 0.25      # per further occurrence of a name in the text …
REPEAT_BONUS_MAX = 1.0   # … up to this much
MAX_AMBIGUOUS_LISTED = 20

# Names of divisions that are ordinary words in report prose: never taken from the text.
UNTRUSTED_IN_TEXT = frozenset({"城区", "郊区", "矿区", "东区", "西区", "和县", "新区", "开发区", "工业园区"})
# Frequent words of report prose (from the seeds and test cases): a short name found across the
# edge of one of these is part of the word, not a place (公开平台 → not 开平).
COMMON_WORDS = frozenset("""
公开 信息 政府 行政 工作 申请 其他 政务 结果 内容 情况 处理 本年 数量 属于 要求 复议 报告 规范 年度
机关 加强 社会 事项 需要 主动 组织 领导 问题 落实 及时 制度 纠正 尚未 审结 人民 存在 文件 法律 群众
收费 办理 诉讼 提供 网站 不予 发布 主要 相关 监督 决定 结转 起诉 全面 服务 办公 提高 政策 机构 机制
管理 明确 改进 媒体 不断 公众 建设 解读 情形 条例 民政 项目 平台 补正 正当 理由 继续 完善 保障 推进
人员 部分 贯彻 强化 确保 重点 更新 严格 按照 单位 收到 数据 不够 总体 内部 获取 举报 安全 过程 没有
部门 水平 健全 切实 法人 查询 制作 逾期 业务 权益 力度 规章 许可 处罚 强制 金额 事业 自然 国家 秘密
法规 危及 保护 合法 执法 案卷 无法 掌握 另行 信访 投诉 重复 出版 确认 出具 通知 直接 认真 梳理 做好
稳定 中华 共和 指导 根据 方式 进行 渠道 丰富 形式 定期 有效 作为 商业 企业 科研 公益 责任 程序 坚持
精神 提升 开展 党政 依法 实际 结合 同时 通过 参与 发展 经济 文化 教育 卫生 健康 医疗 农业 农村 乡村
振兴 扶贫 脱贫 环境 生态 交通 生产 应急 财政 预算 资金 民生 惠民 便民 利民 为民 政治 党委 党建 廉政
宣传 培训 学习 会议 政协 人大 意见 建议 反馈 回应 关切 舆情 热点 公示 公告 栏目 专栏 门户 微信 新闻
重大 决策 采购 工程 城乡 城市 社区 村民 居民 机关 乡镇 村务 党务 财务 政务公开 政府信息 信息公开
全年 全镇 全乡 全县 全市 全区 本镇 本乡 我镇 我乡 我局 我县 我市 我区 平安 和谐 文明 创新 安排 部署
""".split())

# How deep the text may take the region of a report whose name names no division: a township
# only when the report speaks of itself as one.
TOWN_SELF_REFERENCE = re.compile(r"我镇|本镇|全镇|我乡|本乡|全乡|我街道|本街道|全街道|我苏木")


@dataclass(frozen=True)
class Mention:
    """A division name found in the body name or the text."""
    text: str
    source: Source
    start: int
    weights: dict[str, float]   # candidate code → weight of this mention for it


@dataclass
class RegionResult:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    town: str | None = None
    code: str | None = None            # 12-digit code of the most specific certain division
    ambiguous: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    @property
    def level(self) -> Level | None:
        """The level of `code`: the deepest level that is certain."""
        if self.code is None:
            return None
        return dv.LEVEL_BY_CODE_LENGTH[len(dv.short_code(self.code))]

    @property
    def name(self) -> str:
        """河南省济源市下冶镇: the certain levels run together."""
        return "".join(n for n in (self.province, self.city, self.county, self.town) if n)

    def to_dict(self) -> dict[str, Any]:
        return {"province": self.province, "city": self.city, "county": self.county,
                "town": self.town, "code": self.code}


# ---------------------------------------------------------------- finding names


@lru_cache(maxsize=8)  # a report's text is compacted for its region and again for its body type
def compact(text: str) -> str:
    """Whitespace removed: PDF text breaks names (海 阳 市) across spaces and lines."""
    return "".join(text.split())  # str.split's whitespace is re's \s


MAX_CACHED_RUNS = 1 << 16  # distinct runs kept with their spans (a few MB)


def raw_spans(text: str) -> list[tuple[int, int]]:
    """Every (start, end) whose substring is an indexed division name, in order of start and length.

    No name holds a character outside the index's names (divisions.name_runs), so the text is
    scanned run by run of such characters, and a run seen before (a table label, a set phrase)
    gives its spans at once."""
    data = dv.load()
    cache = data.run_spans
    spans: list[tuple[int, int]] = []
    for match in data.name_runs.finditer(text):
        run = match.group()
        found = cache.get(run)
        if found is None:
            found = tuple(run_spans(run))
            if len(cache) < MAX_CACHED_RUNS:
                cache[run] = found
        if found:
            start = match.start()
            spans.extend([(start + a, start + b) for a, b in found])
    return spans


def run_spans(text: str) -> list[tuple[int, int]]:
    """Every (start, end) whose substring is an indexed division name, position by position."""
    data = dv.load()
    starts, index, firsts, size = data.lengths_by_start, data.index, data.first_chars, len(text)
    spans = []
    for i, char in enumerate(text):
        if char not in firsts:
            continue  # most characters start no name: one set probe each
        lengths = starts.get(text[i:i + 2])
        if lengths is None:
            continue
        for n in lengths:
            if i + n <= size and (text[i:i + n] in index or dv.former_name(text[i:i + n])):
                spans.append((i, i + n))
    return spans


def outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop a span that lies inside a longer one (宁县 inside 会宁县)."""
    ordered = sorted(spans, key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int]] = []
    reach = -1
    for start, end in ordered:
        if end <= reach:
            continue
        kept.append((start, end))
        reach = end  # ordered by start, so any later span ending by `reach` lies inside a kept one
    return kept


def non_overlapping(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest spans first, none overlapping: a body name is one run of division names."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= a or b <= start for a, b in kept):
            kept.append((start, end))
    return sorted(kept)


def mention_weight(source: Source, kind: dv.NameKind, text: str, end: int) -> float:
    weight = WEIGHTS[(source, kind)]
    if source == "text" and GOVERNMENT_CONTEXT.match(text, end):
        weight += CONTEXT_BONUS
    return weight


def crosses_common_word(text: str, start: int, end: int) -> bool:
    """Is the span part of an ordinary word that runs past it (公开平台 holds 开平, 和政务 holds 和政)?"""
    for size in (2, 3, 4):
        for begin in range(max(0, start - size + 1), end):
            stop = begin + size
            inside = start <= begin and stop <= end
            covers = begin <= start and end <= stop
            if not inside and not covers and text[begin:stop] in COMMON_WORDS:
                return True
    return False


def trusted_in_text(match: dv.NameMatch, text: str, start: int, end: int) -> bool:
    """Text matches that are too likely to be ordinary words or former names are left out."""
    if match.kind == "alias" and len(match.code) == 9:
        return False  # 会宁乡村 is no former 会宁乡: township renames only count in the body name
    if text[start:end] in UNTRUSTED_IN_TEXT:
        return False
    if len(match.code) == 9 and not text[start:end].endswith(dv.TOWNSHIP_ENDINGS):
        return False  # 农场, 工业园区 and such units of the list: too generic for prose
    return end - start > 3 or not crosses_common_word(text, start, end)


def trusted_matches(text: str, start: int, end: int, source: Source) -> list[dv.NameMatch]:
    matches = dv.lookup(text[start:end])
    return [m for m in matches if source == "name" or trusted_in_text(m, text, start, end)]


def find_mentions(text: str, source: Source) -> list[Mention]:
    """Division names in the text, one mention per distinct name (repeats add a little weight)."""
    text = compact(text)
    by_name: dict[str, Mention] = {}
    found = {(start, end): trusted_matches(text, start, end, source) for start, end in raw_spans(text)}
    spans = [span for span, matches in found.items() if matches]
    for start, end in (outermost(spans) if source == "text" else non_overlapping(spans)):
        name, matches = text[start:end], found[(start, end)]
        weights = {m.code: mention_weight(source, m.kind, text, end) for m in matches}
        previous = by_name.get(name)
        if previous is None:
            by_name[name] = Mention(name, source, start, weights)
        elif source == "text":
            by_name[name] = merge_repeat(previous, weights)
    return list(by_name.values())


def merge_repeat(previous: Mention, weights: dict[str, float]) -> Mention:
    merged = {}
    for code, weight in previous.weights.items():
        base = max(weight, weights.get(code, 0.0))
        merged[code] = min(base + REPEAT_BONUS, WEIGHTS[("text", "full")] + CONTEXT_BONUS + REPEAT_BONUS_MAX)
    return Mention(previous.text, previous.source, previous.start, merged)


# ---------------------------------------------------------------- choosing the chain


def chain_codes(code: str) -> tuple[str, ...]:
    """141181106 → (14, 1411, 141181, 141181106): codes nest by prefix."""
    return tuple(code[:n] for n in (2, 4, 6, 9) if n <= len(code))


def support(code: str, mentions: list[Mention]) -> float:
    """Total weight of the mentions that name this division or one of its ancestors."""
    chain = chain_codes(code)
    return sum(max((m.weights.get(c, 0.0) for c in chain), default=0.0) for m in mentions)


def deepest_only(codes: list[str]) -> list[str]:
    """Leave out codes that are ancestors of another code in the list."""
    return [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]


def best_codes(mentions: list[Mention], max_length: int) -> list[str]:
    """The deepest divisions with the highest support (several when the mentions tie)."""
    candidates = {c for m in mentions for c in m.weights if len(c) <= max_length}
    if not candidates:
        return []
    scored = {c: round(support(c, mentions), 6) for c in candidates}
    top = max(scored.values())
    return sorted(deepest_only([c for c, s in scored.items() if s == top]))


def common_prefix_code(codes: list[str]) -> str | None:
    """The deepest division shared by all the codes' chains."""
    shared = set(chain_codes(codes[0]))
    for code in codes[1:]:
        shared &= set(chain_codes(code))
    return max(shared, key=len) if shared else None


def backed_by_county_or_city(code: str, mentions: list[Mention]) -> bool:
    """Is a repeated township name backed by a mention of its county or city?"""
    upper = chain_codes(code)[1:3]
    return any(c in m.weights for m in mentions for c in upper)


def unique_name(code: str, mentions: list[Mention]) -> bool:
    """Does some mention name this township and nothing else?"""
    return any(set(m.weights) == {code} for m in mentions)


def certain_code(best: list[str], mentions: list[Mention]) -> str | None:
    if len(best) != 1:
        return common_prefix_code(best) if best else None
    code = best[0]
    if len(code) == 9 and not unique_name(code, mentions) and not backed_by_county_or_city(code, mentions):
        return code[:2] if any(code[:2] in m.weights for m in mentions) else None
    return code


# ---------------------------------------------------------------- result


def describe(code: str) -> str:
    return f"{dv.path_name(code)}（{code.ljust(12, '0')}）"


def ambiguity(best: list[str], certain: str | None, mentions: list[Mention]) -> list[str]:
    """The candidates left open below the certain levels."""
    if certain is not None and best == [certain]:
        return []
    if len(best) == 1:  # a repeated township not backed by its county: all of that name left open
        within = certain or ""
        best = sorted({c for m in mentions if best[0] in m.weights for c in m.weights
                       if len(c) == 9 and c.startswith(within)})
    listed = [describe(c) for c in best[:MAX_AMBIGUOUS_LISTED]]
    if len(best) > MAX_AMBIGUOUS_LISTED:
        listed.append(f"……共 {len(best)} 处")
    return listed


def fill_levels(result: RegionResult, code: str) -> None:
    named = [d for d in dv.chain(code) if d.display]  # 市辖区, 省直辖县级行政区划 name no place
    for division in named:
        setattr(result, division.level, division.display)
    if named:
        result.code = named[-1].code12


def evidence_lines(mentions: list[Mention], chosen: list[str]) -> list[str]:
    """Which mentions back the chosen chain, strongest first."""
    lines = []
    chain = {c for code in chosen for c in chain_codes(code)}
    for m in sorted(mentions, key=lambda m: -max(m.weights.values(), default=0.0)):
        hits = [c for c in m.weights if c in chain]
        if hits:
            lines.append(f"{m.source}: {m.text} → {dv.path_name(max(hits, key=len))}")
    return lines


def depth_limit(name_mentions: list[Mention], agency_name: str | None, text: str) -> int:
    """How deep a code may go: the text alone never makes a county department a township."""
    if name_mentions:
        return max(len(c) for m in name_mentions for c in m.weights)
    if agency_name and re.search(r"(乡|镇|街道|苏木)(人民政府|政府|办事处)?$", agency_name):
        return 9
    return 9 if TOWN_SELF_REFERENCE.search(text) else 6


# Characters of place names that OCR and hurried typing swap for a look-alike (沭阳 printed 沐阳):
# each string is one group of look-alikes. Used only when a body name's place matches no division.
CONFUSABLE_CHARACTERS = ("沭沐", "亳毫", "睢雎", "邳丕", "郯剡", "泗洒", "溧漂", "盱旴", "鄞勤", "儋澹", "濉睢")


def confusable_variants(name: str) -> list[str]:
    """The name with one character replaced by a look-alike, each way."""
    variants: list[str] = []
    for index, char in enumerate(name):
        for group in CONFUSABLE_CHARACTERS:
            if char in group:
                variants.extend(name[:index] + other + name[index + 1:] for other in group if other != char)
    return variants


def resolve_region(agency_name: str | None, text: str) -> RegionResult:
    """The report's region from its body name (most weight) and its text."""
    name_mentions = find_mentions(agency_name or "", "name")
    mentions = name_mentions + find_mentions(text, "text")
    best = best_codes(mentions, depth_limit(name_mentions, agency_name, text))
    certain = certain_code(best, mentions)
    result = RegionResult()
    if certain is not None:
        fill_levels(result, certain)
    result.ambiguous = ambiguity(best, certain, mentions)
    result.evidence = evidence_lines(mentions, best)
    return result


# ---------------------------------------------------------------- body type

Category = Literal["zone", "dispatched", "street", "township", "government", "institution", "department"]

# Suffix patterns on the body name, first match wins. Order matters: 开发区管理委员会 is a zone
# before it is a 委员会, 公安局XX分局 is dispatched before it is a 局, 驻马店市…街道办事处 is a street.
ZONE_WORDS = ("开发区", "高新区", "新区", "示范区", "园区", "工业园", "保税区", "试验区", "实验区", "合作区",
              "集聚区", "管理区", "旅游区", "风景区", "名胜区", "景区", "度假区", "自贸区", "片区")
NAME_RULES: tuple[tuple[re.Pattern[str], Category], ...] = (
    # A zone's 片区管理局 administers former towns for the zone: dispatched by it, not a zone itself.
    (re.compile(r"片区管理局$"), "dispatched"),
    (re.compile(rf"({'|'.join(ZONE_WORDS)})(管理委员会|管委会|管理局|管理办公室)?$"), "zone"),
    (re.compile(r"街道(办事处|办)?$"), "street"),
    (re.compile(r"(分局|派出所|税务局|调查队|海关|气象局|边境管理大队|(政府|局|委)驻\S+办事处|派出机构)$"), "dispatched"),
    (re.compile(r"(乡|镇|苏木)(人民政府|政府)?$"), "township"),
    (re.compile(r"(人民政府|政府)$"), "government"),
    (re.compile(r"(医院|学校|学院|大学|中学|小学|幼儿园|研究院|研究所|设计院|博物馆|图书馆|纪念馆|档案馆|文化馆"
                r"|科技馆|美术馆|电视台|广播电视台|报社|监测站|检测站|试验站|推广站)$"), "institution"),
    (re.compile(r"(厅|局|委员会|委|办公室|办公厅|办|中心|署|处|室|院|会|总队|支队|大队)$"), "department"),
)

GOVERNMENT_BY_LEVEL: dict[Level, BodyType] = {"province": BodyType.PROVINCE_GOV, "city": BodyType.CITY_GOV,
                                               "county": BodyType.COUNTY_GOV, "town": BodyType.TOWNSHIP}
DEPARTMENT_BY_LEVEL: dict[Level, BodyType] = {"province": BodyType.PROVINCE_DEPT, "city": BodyType.CITY_DEPT,
                                               "county": BodyType.COUNTY_DEPT, "town": BodyType.TOWNSHIP}
FIXED_TYPES: dict[Category, BodyType] = {"zone": BodyType.ZONE, "dispatched": BodyType.DISPATCHED,
                                         "street": BodyType.SUBDISTRICT, "township": BodyType.TOWNSHIP,
                                         "institution": BodyType.INSTITUTION}

# How a report without a usable name speaks of itself and of its superiors: (pattern, category).
SELF_RULES: tuple[tuple[re.Pattern[str], Category], ...] = (
    (re.compile(r"我街道|本街道|街道党工委|街道办事处"), "street"),
    (re.compile(r"我镇|本镇|我乡|本乡|镇党委|乡党委|我苏木"), "township"),
    (re.compile(r"我局|本局|我委|本委|我办|本办|我中心|本中心|我厅|本厅|局机关|委机关"), "department"),
)
# The superior government a text names (县委县政府, 区政府, 盟行署 …): its level word → level.
SUPERIOR = re.compile(r"(县|区|旗|市|州|盟|省)(?:人民)?政府|(盟|地区)?行署")
SUPERIOR_LEVELS: dict[str, Level] = {"县": "county", "区": "county", "旗": "county", "市": "city", "州": "city",
                                     "盟": "city", "地区": "city", "省": "province"}
# Level words at the start of a name without a division name in it (县财政局, 市民政局).
PREFIX_LEVELS: tuple[tuple[re.Pattern[str], Level], ...] = (
    (re.compile(r"^(县|区|旗)"), "county"),
    (re.compile(r"^(市|州|盟)"), "city"),
    (re.compile(r"^省"), "province"),
)


def name_category(agency_name: str) -> Category | None:
    name = compact(agency_name)
    category = next((category for pattern, category in NAME_RULES if pattern.search(name)), None)
    if category is None and only_division_names(name):
        return "government"  # 孝义市, 海阳市行村镇: the name of a place stands for its government
    return category


def only_division_names(name: str) -> bool:
    spans = non_overlapping(raw_spans(name))
    return bool(spans) and sum(end - start for start, end in spans) == len(name)


def level_in_name(agency_name: str) -> Level | None:
    """The level of the deepest division the name itself names (会宁县乡村振兴局 → county)."""
    mentions = find_mentions(agency_name, "name")
    codes = best_codes(mentions, 9) if mentions else []
    if codes:
        return dv.LEVEL_BY_CODE_LENGTH[len(codes[0])]
    return next((level for pattern, level in PREFIX_LEVELS if pattern.search(agency_name)), None)


def city_is_county_level(region: RegionResult) -> bool:
    """In 孝义市, 市委市政府 is the county-level city's own government."""
    return bool(region.county and region.county.endswith("市"))


def level_from_text(text: str, region: RegionResult) -> Level | None:
    # The lowest government a body names as its superior is its own level: a county bureau
    # writes 省政府, 市政府 and 县委县政府; a city bureau never writes 县委县政府 of itself.
    found = [SUPERIOR_LEVELS[m[1] or "地区"] for m in SUPERIOR.finditer(text)]  # no m[1]: a 行署
    if not found:
        return region.level if region.level != "town" else "county"
    level = max(found, key=dv.LEVELS.index)
    return "county" if level == "city" and city_is_county_level(region) else level


def typed(category: Category, level: Level | None) -> str | None:
    if category in FIXED_TYPES:
        return FIXED_TYPES[category].value
    if level is None:
        return None
    table = GOVERNMENT_BY_LEVEL if category == "government" else DEPARTMENT_BY_LEVEL
    return table[level].value


def township_or_street(town: str | None) -> str:
    kind = BodyType.SUBDISTRICT if town and town.endswith(("街道", "街道办事处")) else BodyType.TOWNSHIP
    return kind.value


def classify_body(agency_name: str | None, text: str, region: RegionResult) -> str | None:
    """One of the SPEC body types, or None when neither the name nor the text tells."""
    category = name_category(agency_name) if agency_name else None
    if category is not None and agency_name:
        level = level_in_name(agency_name) or level_from_text(text, region)
        if category == "government" and level == "town":
            return township_or_street(region.town)
        return typed(category, level)
    body = compact(text)
    category = next((c for pattern, c in SELF_RULES if pattern.search(body)), None)
    if category is None:
        return None
    return typed(category, level_from_text(body, region))
