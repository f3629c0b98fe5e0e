"""Refresh the output sheets of a workbook in place without re-serialising
anything the user owns.

The new output sheets are written by the ordinary XlsxWriter writer into a
scratch workbook; their parts (sheets, tables, drawings, charts) are then
spliced into the user's zip package. Every other part (input sheets,
user-added sheets, sharedStrings, the VBA project) is copied unchanged. Only
workbook.xml, its relationships, [Content_Types].xml and styles.xml are edited:
the scratch workbook's cell styles are appended to the user's, and its shared
strings become inline strings.
"""
from __future__ import annotations

import posixpath
import re
import shutil
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import unescape

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET = re.compile(r"<sheet\b[^>]*/>")
_REL = re.compile(r"<Relationship\b[^>]*/>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_DEFINED = re.compile(r"<definedName\b([^>]*)>(.*?)</definedName>", re.S)
_STYLE_SECTIONS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
                   "tableStyles", "colors", "extLst")


class SpliceError(Exception):
    """The workbook cannot be refreshed in place (message for the user)."""


def _attrs(tag: str) -> dict[str, str]:
    return dict(_ATTR.findall(tag))


def _resolve(base: str, target: str) -> str:
    """A relationship target as a package part name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels_name(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


@dataclass
class _Package:
    """The members of a zip package, read lazily, written back in order."""

    archive: zipfile.ZipFile

    def text(self, name: str) -> str:
        return self.archive.read(name).decode("utf-8")

    def names(self) -> list[str]:
        return self.archive.namelist()


def _sheet_parts(package: _Package) -> list[tuple[dict, str]]:
    """(sheet attributes, part name) in workbook order."""
    workbook = package.text("xl/workbook.xml")
    rels = {a["Id"]: a["Target"] for a in map(_attrs, _REL.findall(package.text("xl/_rels/workbook.xml.rels")))}
    out = []
    for tag in _SHEET.findall(workbook):
        attrs = _attrs(tag)
        out.append((attrs, _resolve("xl/workbook.xml", rels[attrs["r:id"]])))
    return out


def _dependents(package: _Package, part: str) -> list[str]:
    """Parts reachable from a sheet through its relationships (tables, drawings, charts...)."""
    found, todo = [], [part]
    while todo:
        current = todo.pop()
        rels = _rels_name(current)
        if rels not in package.names():
            continue
        found.append(rels)
        for rel in map(_attrs, _REL.findall(package.text(rels))):
            if rel.get("TargetMode") == "External":
                continue
            target = _resolve(current, rel["Target"])
            if target in package.names() and target not in found:
                found.append(target)
                todo.append(target)
    return found


def _next_free(names: set[str], folder: str, stem: str, suffix: str = ".xml") -> str:
    n = 1
    while f"{folder}/{stem}{n}{suffix}" in names:
        n += 1
    name = f"{folder}/{stem}{n}{suffix}"
    names.add(name)
    return name


def _section(xml: str, name: str) -> tuple[int, int, str] | None:
    """(start, end, inner) of a styles.xml section; inner '' for a self-closed one."""
    match = re.search(rf"<{name}\b[^>]*?/>|<{name}\b[^>]*>(.*?)</{name}>", xml, re.S)
    if not match:
        return None
    return match.start(), match.end(), match.group(1) or ""


def _items(inner: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}\b[^>]*/>|<{tag}\b[^>]*>.*?</{tag}>", inner, re.S)


def _set_section(xml: str, name: str, items: list[str]) -> str:
    """Replace (or insert, keeping the schema order) a styles section."""
    body = f'<{name} count="{len(items)}">{"".join(items)}</{name}>'
    found = _section(xml, name)
    if found:
        start, end, _ = found
        opening = re.match(rf"<{name}\b[^>]*?(/?)>", xml[start:end]).group(0)
        extra = re.sub(r'\s+count="\d+"', "", opening[len(name) + 1:]).rstrip("/>").rstrip(">")
        body = f'<{name} count="{len(items)}"{extra}>{"".join(items)}</{name}>'
        return xml[:start] + body + xml[end:]
    later = [s for s in _STYLE_SECTIONS[_STYLE_SECTIONS.index(name) + 1:] if _section(xml, s)]
    if later:
        start = _section(xml, later[0])[0]
        return xml[:start] + body + xml[start:]
    return xml.replace("</styleSheet>", body + "</styleSheet>")


def merge_styles(user: str, generated: str) -> tuple[str, dict]:
    """Append the generated fonts, fills, borders, number formats, cell formats
    and differential formats to the user's styles; return the new styles.xml
    and the offsets for cell style (xf) and dxf indices."""
    def items(xml, name, tag):
        found = _section(xml, name)
        return _items(found[2], tag) if found else []

    user_fmts, gen_fmts = items(user, "numFmts", "numFmt"), items(generated, "numFmts", "numFmt")
    next_id = max([163] + [int(_attrs(f)["numFmtId"]) for f in user_fmts]) + 1
    fmt_map = {}
    for fmt in gen_fmts:
        fmt_map[_attrs(fmt)["numFmtId"]] = str(next_id)
        next_id += 1
    renumbered_fmts = [re.sub(r'numFmtId="(\d+)"', lambda m: f'numFmtId="{fmt_map[m[1]]}"', f) for f in gen_fmts]
    offsets = {}
    merged = user
    for name, tag in (("fonts", "font"), ("fills", "fill"), ("borders", "border")):
        mine = items(merged, name, tag)
        offsets[tag] = len(mine)
        merged = _set_section(merged, name, mine + items(generated, name, tag))
    merged = _set_section(merged, "numFmts", user_fmts + renumbered_fmts)

    def remap_xf(xf: str) -> str:
        xf = re.sub(r'fontId="(\d+)"', lambda m: f'fontId="{int(m[1]) + offsets["font"]}"', xf)
        xf = re.sub(r'fillId="(\d+)"', lambda m: f'fillId="{int(m[1]) + offsets["fill"]}"', xf)
        xf = re.sub(r'borderId="(\d+)"', lambda m: f'borderId="{int(m[1]) + offsets["border"]}"', xf)
        xf = re.sub(r'numFmtId="(\d+)"', lambda m: f'numFmtId="{fmt_map.get(m[1], m[1])}"', xf)
        return re.sub(r'xfId="\d+"', 'xfId="0"', xf)

    user_xfs = items(merged, "cellXfs", "xf")
    merged = _set_section(merged, "cellXfs", user_xfs + [remap_xf(x) for x in items(generated, "cellXfs", "xf")])
    user_dxfs = items(merged, "dxfs", "dxf")
    gen_dxfs = [re.sub(r'numFmtId="(\d+)"', lambda m: f'numFmtId="{fmt_map.get(m[1], m[1])}"', d)
                for d in items(generated, "dxfs", "dxf")]
    merged = _set_section(merged, "dxfs", user_dxfs + gen_dxfs)
    return merged, {"xf": len(user_xfs), "dxf": len(user_dxfs)}


# One pass over a generated sheet: its shared-string cells, then its style and differential-format indices.
_SHEET_REFS = re.compile(r'<c r="([A-Z]+\d+)"(?: s="(\d+)")? t="s"><v>(\d+)</v></c>| (s|style)="(\d+)"|dxfId="(\d+)"')


def _carry_sheet(sheet: str, strings: list[str], offsets: dict) -> str:
    """A generated sheet as it goes into the user's package: shared strings inline (the user's sharedStrings
    stay as they are), cell and column styles (s, style) and conditional formats (dxfId) moved past the
    user's own. One regular-expression pass; each distinct attribute's replacement made once."""
    made: dict[str, str] = {}

    def carry(match):
        if match[1]:
            style = f' s="{int(match[2]) + offsets["xf"]}"' if match[2] else ""
            return (f'<c r="{match[1]}"{style} t="inlineStr"><is><t xml:space="preserve">{strings[int(match[3])]}'
                    "</t></is></c>")
        found = made.get(match[0])
        if found is None:
            found = made[match[0]] = (f' {match[4]}="{int(match[5]) + offsets["xf"]}"' if match[4] else
                                      f'dxfId="{int(match[6]) + offsets["dxf"]}"')
        return found
    return _SHEET_REFS.sub(carry, sheet)


def _shared_strings(package: _Package) -> list[str]:
    if "xl/sharedStrings.xml" not in package.names():
        return []
    return [m for m in re.findall(r"<si>(?:<t[^>]*>(.*?)</t>)</si>", package.text("xl/sharedStrings.xml"), re.S)]


def splice(user_path: Path, generated_path: Path, output_path: Path, replace_sheets: set[str]) -> None:
    """Write ``output_path``: the user's package with the sheets named in
    ``replace_sheets`` removed and every sheet of the generated workbook added.
    Steps: choose the parts to drop, carry the generated sheets over (renamed,
    styles offset, strings inlined), rewrite the workbook's sheet list and
    defined names, then write the package (unchanged parts as compressed bytes)."""
    with zipfile.ZipFile(user_path) as user_zip, zipfile.ZipFile(generated_path) as gen_zip:
        user, gen = _Package(user_zip), _Package(gen_zip)
        user_sheets, gen_sheets = _sheet_parts(user), _sheet_parts(gen)
        removed, kept, drop = _parts_to_drop(user, user_sheets, gen_sheets, replace_sheets)
        names = set(user.names()) - drop
        styles, offsets = merge_styles(user.text("xl/styles.xml"), gen.text("xl/styles.xml"))
        content_types = user.text("[Content_Types].xml")
        for part in drop:
            content_types = re.sub(rf'<Override PartName="/{re.escape(part)}"[^>]*/>', "", content_types)
        new_parts, renamed, content_types = _generated_parts(user, gen, gen_sheets, names, offsets, content_types)
        workbook, rels_xml, new_order = _sheet_list(user, removed, kept, gen_sheets, renamed)
        workbook = _defined_names(workbook, gen.text("xl/workbook.xml"), user_sheets, gen_sheets, removed,
                                  len(kept), new_order)
        replaced = {"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels_xml,
                    "[Content_Types].xml": content_types, "xl/styles.xml": styles}
        with zipfile.ZipFile(output_path, "w", zipfile.ZIP_DEFLATED) as out:
            for info in user_zip.infolist():
                if info.filename in drop:
                    continue
                if info.filename in replaced:
                    out.writestr(info, replaced[info.filename].encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
                else:
                    copy_compressed(user_zip, info, out)
            for name, data in new_parts.items():
                out.writestr(name, data)


def _parts_to_drop(user: _Package, user_sheets: list, gen_sheets: list, replace_sheets: set[str]):
    """(removed sheets, kept sheets, parts to drop): the user's sheets that are
    replaced (by name, or because a generated sheet has their name), with
    their drawings, tables and rels, and the calculation chain."""
    gen_names = {a["name"] for a, _ in gen_sheets}
    removed = [(a, p) for a, p in user_sheets if unescape(a["name"]) in replace_sheets | gen_names]
    kept = [(a, p) for a, p in user_sheets if (a, p) not in removed]
    drop = {p for _, p in removed}
    for _, part in removed:
        drop.update(_dependents(user, part))
    drop.add("xl/calcChain.xml")
    return removed, kept, drop


def _table_tag(xml: str) -> dict[str, str]:
    return _attrs(re.search(r"<table\b[^>]*>", xml).group(0))


def _generated_parts(user: _Package, gen: _Package, gen_sheets: list, names: set[str], offsets: dict,
                     content_types: str) -> tuple[dict[str, bytes], dict[str, str], str]:
    """The generated sheets and their dependents under free part names, with
    shared strings inlined, style and format ids offset into the merged
    styles, table ids after the user's; their rels re-pointed and their
    content types declared. Returns (parts, old -> new name, content types)."""
    kept_tables = [n for n in names if n.startswith("xl/tables/")]
    used_table_names = {_table_tag(user.text(n)).get("name") for n in kept_tables}
    next_table_id = max([0] + [int(_table_tag(user.text(n))["id"]) for n in kept_tables]) + 1
    strings = _shared_strings(gen)
    gen_types = dict(re.findall(r'<Override PartName="/([^"]+)" ContentType="([^"]+)"/>',
                                gen.text("[Content_Types].xml")))
    renamed: dict[str, str] = {}
    for _, part in gen_sheets:
        for dependent in [part] + [d for d in _dependents(gen, part) if not d.endswith(".rels")]:
            folder, base = posixpath.split(dependent)
            renamed[dependent] = _next_free(names, folder, re.sub(r"\d+\.xml$", "", base))
    new_parts: dict[str, bytes] = {}
    for old, new in renamed.items():
        data = gen.text(old)
        if old.startswith("xl/worksheets/"):
            data = _carry_sheet(data, strings, offsets).replace(' tabSelected="1"', "")
        if old.startswith("xl/tables/"):
            name = _table_tag(data)["name"]
            if name in used_table_names:
                raise SpliceError(f"a user table is already named {name!r}; rename it to refresh")
            data = re.sub(r'(<table\b[^>]*?\bid=")\d+"', lambda m: f'{m[1]}{next_table_id}"', data, count=1)
            next_table_id += 1
        new_parts[new] = data.encode("utf-8")
        rels = _rels_name(old)
        if rels in gen.names():
            text = gen.text(rels)
            for rel in map(_attrs, _REL.findall(text)):
                target = _resolve(old, rel["Target"])
                if target in renamed:
                    relative = posixpath.relpath(renamed[target], posixpath.dirname(new))
                    text = text.replace(f'Target="{rel["Target"]}"', f'Target="{relative}"')
            new_parts[_rels_name(new)] = text.encode("utf-8")
        content_types = content_types.replace(
            "</Types>", f'<Override PartName="/{new}" ContentType="{gen_types[old]}"/></Types>')
    return new_parts, renamed, content_types


def _sheet_list(user: _Package, removed: list, kept: list, gen_sheets: list, renamed: dict[str, str]):
    """The workbook's sheet list and rels: the kept sheets in their order, then
    the generated ones (new ids). Returns (workbook xml, rels xml, sheet names in order)."""
    workbook = user.text("xl/workbook.xml")
    rels_xml = user.text("xl/_rels/workbook.xml.rels")
    removed_ids = {a["r:id"] for a, _ in removed}
    for tag in _REL.findall(rels_xml):
        if _attrs(tag)["Id"] in removed_ids or _resolve("xl/workbook.xml", _attrs(tag)["Target"]) == "xl/calcChain.xml":
            rels_xml = rels_xml.replace(tag, "")
    new_order = [a["name"] for a, _ in kept] + [a["name"] for a, _ in gen_sheets]
    sheet_tags = [t for t in _SHEET.findall(workbook) if _attrs(t)["r:id"] not in removed_ids]
    next_sheet_id = max([0] + [int(_attrs(t)["sheetId"]) for t in _SHEET.findall(workbook)]) + 1
    # Excel declares the r: prefix on the root; some writers (openpyxl with lxml) on each <sheet> instead.
    root = re.search(r"<workbook\b[^>]*>", workbook)[0]
    declare = "" if f'xmlns:r="{REL_NS}"' in root else f'xmlns:r="{REL_NS}" '
    for number, (attrs, part) in enumerate(gen_sheets):
        rel_id = f"rIdKam{number + 1}"
        target = posixpath.relpath(renamed[part], "xl")
        rels_xml = rels_xml.replace("</Relationships>", f'<Relationship Id="{rel_id}" Type="{REL_NS}/worksheet" '
                                                       f'Target="{target}"/></Relationships>')
        sheet_tags.append(f'<sheet {declare}name="{attrs["name"]}" sheetId="{next_sheet_id + number}" '
                          f'r:id="{rel_id}"/>')
    workbook = re.sub(r"<sheets>.*?</sheets>", lambda _: "<sheets>" + "".join(sheet_tags) + "</sheets>", workbook,
                      flags=re.S)
    return workbook, rels_xml, new_order


def _defined_names(workbook: str, gen_workbook: str, user_sheets: list, gen_sheets: list, removed: list,
                   kept_count: int, new_order: list[str]) -> str:
    """The user's defined names that do not point into a removed sheet, then
    the generated ones, with sheet-local names re-indexed to the new order."""
    defined = []
    for attrs_text, body in _DEFINED.findall(workbook):
        attrs = _attrs(attrs_text)
        if "localSheetId" in attrs:
            sheet = [a["name"] for a, _ in user_sheets][int(attrs["localSheetId"])]
            if sheet not in new_order[:kept_count]:
                continue
            attrs_text = attrs_text.replace(f'localSheetId="{attrs["localSheetId"]}"',
                                            f'localSheetId="{new_order.index(sheet)}"')
        if any(re.search(rf"(^|[^\w])'?{re.escape(a['name'])}'?!", unescape(body)) for a, _ in removed):
            continue
        defined.append(f"<definedName{attrs_text}>{body}</definedName>")
    gen_order = [a["name"] for a, _ in gen_sheets]
    for attrs_text, body in _DEFINED.findall(gen_workbook):
        attrs = _attrs(attrs_text)
        if "localSheetId" in attrs:
            sheet = gen_order[int(attrs["localSheetId"])]
            attrs_text = attrs_text.replace(f'localSheetId="{attrs["localSheetId"]}"',
                                            f'localSheetId="{new_order.index(sheet)}"')
        defined.append(f"<definedName{attrs_text}>{body}</definedName>")
    block = "<definedNames>" + "".join(defined) + "</definedNames>" if defined else ""
    if re.search(r"<definedNames>.*?</definedNames>|<definedNames/>", workbook, re.S):
        return re.sub(r"<definedNames>.*?</definedNames>|<definedNames/>", lambda _: block, workbook, flags=re.S)
    return workbook.replace("</sheets>", "</sheets>" + block)


def copy_compressed(source: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    """Copy one member into ``out`` as its compressed bytes: no inflate and
    deflate of input sheets that are not changing (at 1M sales lines that is
    about 650 MB of XML). The CRC and sizes come from the source's central
    directory and go into the local header, so no data descriptor follows.

    zipfile has no public call for this; it relies on ZipInfo.FileHeader and on
    how ZipFile records a member (filelist, NameToInfo, start_dir), stable since
    Python 3.6. Members that are encrypted are re-compressed the ordinary way."""
    if info.flag_bits & 0x01:
        with source.open(info) as data, out.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(data, target, 1 << 20)
        return
    source.fp.seek(info.header_offset)
    header = source.fp.read(zipfile.sizeFileHeader)
    fields = struct.unpack(zipfile.structFileHeader, header)
    if fields[0] != zipfile.stringFileHeader:
        raise SpliceError(f"{info.filename}: damaged zip entry; the workbook cannot be refreshed in place")
    source.fp.seek(fields[zipfile._FH_FILENAME_LENGTH] + fields[zipfile._FH_EXTRA_FIELD_LENGTH], 1)
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    copy.compress_type, copy.CRC = info.compress_type, info.CRC
    copy.compress_size, copy.file_size = info.compress_size, info.file_size
    copy.create_system, copy.external_attr = info.create_system, info.external_attr
    copy.flag_bits = info.flag_bits & ~0x08   # sizes are in the local header, no data descriptor
    copy.header_offset = out.fp.tell()
    out.fp.write(copy.FileHeader())
    remaining = info.compress_size
    while remaining:
        block = source.fp.read(min(remaining, 1 << 20))
        if not block:
            raise SpliceError(f"{info.filename}: truncated zip entry; the workbook cannot be refreshed in place")
        out.fp.write(block)
        remaining -= len(block)
    out.filelist.append(copy)
    out.NameToInfo[copy.filename] = copy
    out.start_dir = out.fp.tell()


__all__ = ["SpliceError", "copy_compressed", "merge_styles", "splice"]
