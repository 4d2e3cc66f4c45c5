"""The `gknb` command: parse reports to JSON, check a report for its office, write the pages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterator, Sequence

from gknb.check.registry import CHECK_TITLES, run_corpus_checks
from gknb.corpus.pipeline import MAX_INPUT_BYTES, SECONDS_PER_FILE, Rejection, report_or_rejection
from gknb.model.record import SEVERITY_WORDS, STATUS_WORDS, Record


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


def findings_table(record: Record) -> list[str]:
    """The findings as a readable table for the office that wrote the report."""
    agency = record.agency.get("name") or "（未识别机关）"
    lines = [f"{record.source['path']}：{agency} {record.year or '?'} 年度，模板 {record.template or '?'}，"
             f"结论：{STATUS_WORDS[record.status]}"]
    if not record.findings:
        lines.append("  未发现问题。")
    for number, finding in enumerate(record.findings, 1):
        title = CHECK_TITLES.get(finding.check, finding.check)
        lines.append(f"  {number:>2}. [{SEVERITY_WORDS[finding.severity]}] {title}（{finding.check}）")
        lines.append(f"      {finding.message}")
        if finding.cells:
            shown = ", ".join(finding.cells[:10]) + (" …" if len(finding.cells) > 10 else "")
            lines.append(f"      涉及单元格：{shown}")
    return lines


def command_check(args: argparse.Namespace) -> int:
    """Exit 1 when any report has an error-severity finding, 2 when a file cannot be read.

    Reports given together are also compared across years (carry_chain, in_force_chain)."""
    worst = 0
    records: list[Record] = []
    for outcome in outcomes(args):
        if isinstance(outcome, Rejection):
            print(f"gknb: {outcome.path}: {outcome.reason}", file=sys.stderr)
            worst = 2
        else:
            records.append(outcome)
    run_corpus_checks(records)
    for record in records:
        print("\n".join(findings_table(record)))
        if record.status == "fail":
            worst = max(worst, 1)
    return worst


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gknb", description="公开年报: 政府信息公开工作年度报告的解析、校验与发布")
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="print each report's normalised record as one JSON line")
    parse.add_argument("files", nargs="+")
    parse.set_defaults(run=command_parse)
    check = commands.add_parser("check", help="list a report's findings; exit 1 on errors")
    check.add_argument("files", nargs="+")
    check.set_defaults(run=command_check)
    for reading in (parse, check):
        reading.add_argument("--seconds", type=int, default=SECONDS_PER_FILE, metavar="N",
                             help=f"stop reading a file after N seconds (default {SECONDS_PER_FILE})")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
