"""The `gknb` command: parse reports to JSON, check a report for its office, write the pages."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from gknb.check.registry import run_corpus_checks
from gknb.corpus.pipeline import MAX_INPUT_BYTES, SECONDS_PER_FILE, Rejection, inventory, report_or_rejection
from gknb.model.record import Record


def outcomes(args: argparse.Namespace) -> Iterator[Record | Rejection]:
    """Each file given, as the build reads it: within the time and size limits, a FIFO not waited on."""
    for name in args.files:
        yield report_or_rejection(Path(name), name, args.seconds, MAX_INPUT_BYTES)


def command_parse(args: argparse.Namespace) -> int:
    """One JSON object per line per input file; unreadable files are reported on stderr."""
    failed = 0
    for outcome in outcomes(args):
        if isinstance(outcome, Rejection):
            print(f"gknb: {outcome.path}: {outcome.reason}", file=sys.stderr)
            failed += 1
            continue
        print(json.dumps(outcome.to_dict(), ensure_ascii=False, sort_keys=False))
    return 2 if failed else 0


def check_inputs(names: Sequence[str]) -> Iterator[tuple[Path, str] | Rejection]:
    """The files to check: each file given, every report file under each folder given (recursively,
    as the build reads a content folder); a path that is missing or cannot be opened, as a rejection."""
    for name in names:
        path = Path(name)
        if not os.path.lexists(path):
            yield Rejection(name, "文件或文件夹不存在（no such file or directory）")
        elif path.is_dir():
            found = inventory(path)
            if not found.files:
                yield Rejection(name, "文件夹中没有可检查的报告文件（no report files in this folder）")
            yield from ((file, os.path.join(name, file.relative_to(path).as_posix())) for file in found.files)
        else:
            yield path, name


def command_check(args: argparse.Namespace) -> int:
    """Exit 0: no report has an error; 1: some report has an error-severity finding; 2: a path
    could not be read (or is not a report). Reports given together are also compared across years."""
    from gknb.portal.office_report import (Outcome, html_report, json_report, text_report,  # portal loads here
                                           xlsx_report)

    records: list[Record] = []
    unreadable: list[Rejection] = []
    for item in check_inputs(args.files):
        outcome = item if isinstance(item, Rejection) else report_or_rejection(*item, args.seconds, MAX_INPUT_BYTES)
        if isinstance(outcome, Rejection):
            print(f"gknb: {outcome.path}: {outcome.reason}", file=sys.stderr)
            unreadable.append(outcome)
        else:
            records.append(outcome)
    run_corpus_checks(records)
    result = Outcome(records, unreadable)
    if args.format == "xlsx":
        write_output(args.output, xlsx_report(result))
    else:
        text = {"text": lambda r: text_report(r, with_unreadable=args.output is not None),
                "html": html_report, "json": json_report}[args.format](result)
        write_output(args.output, text.encode("utf-8"))
    if args.output and args.format != "text":
        print(result.summary, file=sys.stderr)
    return 2 if unreadable else 1 if any(r.status == "fail" for r in records) else 0


def write_output(name: str | None, data: bytes) -> None:
    if name is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        Path(name).write_bytes(data)


class ChineseHelp(argparse.RawDescriptionHelpFormatter):
    """argparse's own words in Chinese too, for an office that reads no English."""

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


CHECK_HELP = """检查政府信息公开工作年度报告：勾稽关系、表格模板、章节完整性、信息处理费说明、发布期限等，
逐份列出问题、问题所在（报告本身或读取结果）和修改建议，最后一行为汇总（共 N 份：错误 x、警告 y、通过 z）。
可以给出文件，也可以给出文件夹（包括其中的子文件夹）。同时给出的同一机关相邻年度报告还会比对跨年度结转。"""

CHECK_EXAMPLES = """示例：
  gknb check 2023年报.docx                       检查一份报告
  gknb check 报送/                               检查文件夹及子文件夹中的全部报告
  gknb check 报送/ --format html -o 校验结果.html  生成可转发给各乡镇、街道的网页
  gknb check 报送/ --format xlsx -o 校验结果.xlsx  生成 Excel 汇总表
  gknb check 报送/ --format json                 供程序读取

退出码：0 没有报告有错误（可能有警告）；1 至少一份报告有错误；2 有文件无法读取、不是年度报告，
或命令用法有误。"""


def command_pages(args: argparse.Namespace) -> int:
    from gknb.portal.pages import write_pages  # the portal's dependencies load only for this command

    count = write_pages(Path(args.content), Path(args.out))
    print(f"wrote {count} pages to {args.out}")
    return 0


def command_build(args: argparse.Namespace) -> int:
    """`mkdocs build` with our switches: --strict fails on rejected inputs, --no-cache re-parses all.

    --shard / --only / --index-only: a split build (shards.py), one site per province."""
    from gknb.publish.build import BuildFailed, build_site  # MkDocs loads only for this command

    if args.shard or args.only or args.index_only:
        return command_build_shards(args)
    try:
        build_site(Path(args.config), site_dir=Path(args.site_dir) if args.site_dir else None,
                   strict=args.strict, no_cache=args.no_cache, scheduler=args.scheduler)
    except BuildFailed as error:
        print(f"gknb: {error}", file=sys.stderr)
        return 1
    return 0


def command_build_shards(args: argparse.Namespace) -> int:
    from gknb.publish import shards

    try:
        project = shards.load_project(Path(args.config))
        site_dir = Path(args.site_dir).resolve() if args.site_dir else project.site_dir
        if args.index_only:
            keys = shards.build_index(project, site_dir, strict=args.strict)
            print(f"gknb: top-level site of {len(keys)} shards ({', '.join(keys)}) in {site_dir}", file=sys.stderr)
        else:
            shards.build_all(project, site_dir, only=args.only, strict=args.strict, no_cache=args.no_cache,
                             plan_file=Path(args.plan) if args.plan else None)
    except shards.ShardError as error:
        print(f"gknb: {error}", file=sys.stderr)
        return 1
    return 0


def command_shards(args: argparse.Namespace) -> int:
    """The shard keys, one a line (or a JSON list for a CI matrix); --save writes the plan."""
    from gknb.publish import shards

    try:
        project = shards.load_project(Path(args.config))
        plan = shards.project_plan(project, no_cache=args.no_cache, progress=sys.stderr.isatty())
    except shards.ShardError as error:
        print(f"gknb: {error}", file=sys.stderr)
        return 1
    if args.save:
        Path(args.save).parent.mkdir(parents=True, exist_ok=True)
        Path(args.save).write_text(shards.plan_json(plan), encoding="utf-8")
    print(json.dumps(list(plan)) if args.json else "\n".join(plan))
    return 0


def command_without_plugin(args: argparse.Namespace) -> int:
    from gknb.publish.without_plugin import EngineError, build_without_plugin

    try:
        built = build_without_plugin(Path.cwd(), Path(args.content), Path(args.out).resolve(), args.engine)
    except (EngineError, OSError) as error:
        print(f"gknb: {error}", file=sys.stderr)
        return 1
    print(f"built {len(built.reports)} report pages into {built.site} (indexed with Pagefind)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gknb", description="公开年报: 政府信息公开工作年度报告的解析、校验与发布")
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="print each report's normalised record as one JSON line")
    parse.add_argument("files", nargs="+")
    parse.set_defaults(run=command_parse)
    check = commands.add_parser("check", help="检查年度报告并列出问题与修改建议（有错误时退出码 1）",
                                description=CHECK_HELP, epilog=CHECK_EXAMPLES, formatter_class=ChineseHelp,
                                add_help=False)
    check._positionals.title, check._optionals.title = "参数", "选项"
    check.add_argument("-h", "--help", action="help", help="显示本帮助（用法与示例）并退出")
    check.add_argument("files", nargs="+", metavar="文件或文件夹", help="要检查的报告文件或文件夹")
    check.add_argument("--format", choices=["text", "html", "json", "xlsx"], default="text",
                       help="输出格式：text 文本（默认）、html 网页、json、xlsx Excel")
    check.add_argument("-o", "--output", default=None, metavar="文件",
                       help="写入此文件而不是屏幕（xlsx 建议使用）；汇总行另行显示")
    check.set_defaults(run=command_check)
    for reading in (parse, check):
        reading.add_argument("--seconds", type=int, default=SECONDS_PER_FILE, metavar="N",
                             help=f"每个文件最多读取 N 秒（默认 {SECONDS_PER_FILE}）/ stop reading a file after N seconds")
    build = commands.add_parser("build", help="build the portal (mkdocs build with gknb's switches)")
    build.add_argument("--strict", action="store_true", help="fail when any input file cannot be read")
    build.add_argument("--no-cache", action="store_true", help="re-parse every report, ignoring the cache")
    build.add_argument("--config", default="mkdocs.yml")
    build.add_argument("--site-dir", default=None)
    build.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="parse on the workers of this Dask scheduler (tcp://HOST:8786); they must see the "
                            "content folder and the cache directory at the same paths")
    build.add_argument("--shard", choices=["province"], default=None,
                       help="split build: one site per province under SITE/shards/KEY, then the top-level site")
    build.add_argument("--only", action="append", metavar="KEY",
                       help="build only this shard (repeatable; what one CI matrix job runs)")
    build.add_argument("--index-only", action="store_true",
                       help="build only the top-level site, from the shards already built under SITE/shards/")
    build.add_argument("--plan", default=None, metavar="FILE",
                       help="use the shard plan saved by `gknb shards --save FILE` instead of planning again")
    build.set_defaults(run=command_build)
    shard_list = commands.add_parser("shards", help="print the shard keys of a split build, one a line")
    shard_list.add_argument("--by", choices=["province"], default="province")
    shard_list.add_argument("--config", default="mkdocs.yml")
    shard_list.add_argument("--json", action="store_true", help="print a JSON list (for a CI matrix)")
    shard_list.add_argument("--save", default=None, metavar="FILE",
                            help="also write the plan (shard → files) for `gknb build --plan FILE`")
    shard_list.add_argument("--no-cache", action="store_true")
    shard_list.set_defaults(run=command_shards)
    pages = commands.add_parser("pages", help="write the generated Markdown pages to a folder")
    pages.add_argument("out")
    pages.add_argument("--content", default="content")
    pages.set_defaults(run=command_pages)
    engine = commands.add_parser("without-plugin", help="build the portal with another engine that reads mkdocs.yml "
                                 "(Zensical), without the gknb MkDocs plugin, then index it with Pagefind")
    engine.add_argument("out", help="folder for the docs, the config and the built site (OUT/site)")
    engine.add_argument("--content", default="content")
    engine.add_argument("--engine", default="zensical", help="the engine's command (default: zensical)")
    engine.set_defaults(run=command_without_plugin)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
