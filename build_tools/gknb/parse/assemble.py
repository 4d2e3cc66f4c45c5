"""From a reader's `Document` to the normalised `Record` (before checks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from gknb.model.document import Document, Line, LineKind
from gknb.read.cleanup import clean_line
from gknb.parse.structure import (TRAILER_RE, SectionSpan, detect_template, find_sections,
                     publication_date, read_header, year_from_text)
from gknb.model.record import Record, Section, Tables
from gknb.parse.confirm import confirm_ocr_cells
from gknb.parse.inline import unfold
from gknb.parse.tables import NumberedLine, TableResult, read_table
from gknb.model.official_tables import TABLE_SECTION, OFFICIAL_TABLES, Table


def numbered(lines: Sequence[Line], start: int, end: int) -> list[NumberedLine]:
    return [(i, lines[i]) for i in range(start, end)]


def table_region(lines: Sequence[Line], sections: list[SectionSpan], table: Table) -> tuple[list[NumberedLine], bool]:
    """The lines of the section that holds the table (True); the whole report when that heading is absent."""
    span = next((s for s in sections if s.key == TABLE_SECTION[table.key]), None)
    if span is None:
        return numbered(lines, 0, len(lines)), False
    return numbered(lines, span.heading + 1, span.end), True


@dataclass
class TablesRead:
    tables: Tables = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)
    readings: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)


def read_tables(lines: Sequence[Line], sections: list[SectionSpan], template: str | None) -> TablesRead:
    read = TablesRead()
    for table in OFFICIAL_TABLES.get(template or "", ()):
        region, in_section = table_region(lines, sections, table)
        result: TableResult = read_table(region, table, in_section)
        read.tables[table.key] = result.cells
        if result.span:
            read.spans.append(result.span)
        for row, readings in (result.readings or {}).items():
            read.readings[row if row == table.key else f"{table.key}.{row}"] = readings
    return read


def section_paragraphs(lines: Sequence[Line], start: int, end: int, skip: list[tuple[int, int]]) -> str:
    """The section's paragraphs: text lines outside the tables, without converter debris."""
    kept = []
    skipped = {index for a, b in skip for index in range(max(a, start), min(b, end - 1) + 1)}  # the table lines here
    for index in range(start, end):
        line = lines[index]
        if line.kind is not LineKind.TEXT or index in skipped:
            continue
        text = clean_line(line.text)
        if TRAILER_RE.match(text):
            break  # the distribution note and print date close the document, not the section
        if text:
            kept.append(text)
    return "\n".join(kept)


def read_sections(lines: Sequence[Line], sections: list[SectionSpan], title_line: int | None,
                  table_spans: list[tuple[int, int]]) -> list[Section]:
    """The six sections; text between the title and section 一 opens the overview."""
    result = []
    for position, span in enumerate(sections):
        start = span.heading + 1
        text = section_paragraphs(lines, start, span.end, table_spans)
        if position == 0 and span.key == "overview":
            intro = section_paragraphs(lines, (title_line + 1) if title_line is not None else 0, span.heading, table_spans)
            text = "\n".join(t for t in (intro, text) if t)
        result.append(Section(span.key, span.title, text))
    return result


def assemble_record(document: Document) -> Record:
    lines = unfold(document.lines)
    sections = find_sections(lines)
    header = read_header(lines, sections[0].heading if sections else -1)
    body_text = "\n".join(line.text for line in lines)
    year = header.title_year or year_from_text(body_text)
    template = detect_template(lines, year)
    read = read_tables(lines, sections, template)
    source: dict[str, object] = {"path": document.path, "sha256": document.sha256, "format": document.format,
                                 "encoding": document.encoding}
    if document.ocr_pages:
        unconfirmed = confirm_ocr_cells(read.tables, template)  # marks OCR'd numbers no relation confirms
        source["ocr"] = {"pages": document.ocr_pages, "engine": document.ocr_engine, "unconfirmed": unconfirmed}
    record = Record(
        source=source,
        year=year,
        template=template,
        published=publication_date(lines, sections[0].heading if sections else -1),
        doc_number=header.doc_number,
        sections=read_sections(lines, sections, header.title_line, read.spans),
        tables=read.tables,
        readings=read.readings,
    )
    record.agency["name"] = header.agency
    if header.title_year is None and year is not None:
        record.inferred.append("year")
    return record

