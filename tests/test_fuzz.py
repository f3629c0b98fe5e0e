"""Any file in, never a traceback: seeded fuzzing of real workbooks and the hostile files
that slipped through before (an entity-declaring worksheet, a zip bomb of blank cells)."""
import random
import re
import subprocess
import sys
import zipfile
from collections import Counter

import pytest
from click.testing import CliRunner
from conftest import small_book

from kam_xl.app.cli import main
from kam_xl.authoring.template import write_template
from kam_xl.inputs import safe_io

CASES = 90          # bounded so that CI spends well under a minute here
PARTS = 3
SEED = 20261128
NASTY = [b"<", b">", b'"', b"&", b"&i;", b"\x00", b"\xff", b"9" * 12, b"-", b"e", b"</c>", b"<v>", b"]]>", b" "]


def _rezip(source, target, change) -> None:
    """Copy the workbook, handing every member's bytes to ``change(name, data)``
    (None drops the member); CRCs and sizes stay valid, so the parsers see the damage."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                out.writestr(info.filename, data)


def _mutants(good, folder, rng: random.Random):
    """(kind, path) pairs: bytes changed inside XML members, members dropped,
    raw bytes of the zip changed, the file cut short."""
    with zipfile.ZipFile(good) as archive:
        members = [n for n in archive.namelist() if n.endswith((".xml", ".rels"))]
    raw = good.read_bytes()
    for case in range(CASES):
        path = folder / f"m{case}.xlsx"
        kind = ("inside a part", "inside a part", "inside a part", "part dropped", "zip bytes", "cut short")[case % 6]
        if kind == "inside a part":
            victim = rng.choice(members)

            def change(name, data, victim=victim):
                if name != victim or not data:
                    return data
                data = bytearray(data)
                for _ in range(rng.randint(1, 4)):
                    at = rng.randrange(len(data))
                    data[at:at + rng.randint(0, 3)] = rng.choice(NASTY)
                return bytes(data)
            _rezip(good, path, change)
        elif kind == "part dropped":
            victim = rng.choice(members)
            _rezip(good, path, lambda name, data, victim=victim: None if name == victim else data)
        elif kind == "zip bytes":
            data = bytearray(raw)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            path.write_bytes(bytes(data))
        else:
            path.write_bytes(raw[:rng.randrange(len(raw))])
        yield kind, path


@pytest.fixture(scope="module")
def mutants(tmp_path_factory) -> list:
    """The CASES mutants of one seed, written once for the module's parts."""
    folder = tmp_path_factory.mktemp("fuzz")
    return list(_mutants(write_template(folder / "good.xlsx", small_book()), folder, random.Random(SEED)))


@pytest.mark.slow(15)
@pytest.mark.parametrize("part", range(PARTS))
def test_fuzzed_workbooks_exit_cleanly_with_one_line(mutants, part):
    """The CASES mutants of one seed, in PARTS parts that parallel test workers can share."""
    runner = CliRunner()
    outcomes = Counter()
    mine = mutants[part * CASES // PARTS:(part + 1) * CASES // PARTS]   # each part holds every kind of damage
    for kind, path in mine:
        out = path.with_name(path.stem + "_out.xlsx")
        result = runner.invoke(main, ["build", str(path), "-o", str(out)])
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            (kind, path.name, repr(result.exception))
        assert result.exit_code in (0, 1, 2), (kind, path.name, result.output)
        assert "Traceback" not in result.output, (kind, path.name, result.output)
        if result.exit_code == 2:
            errors = [line for line in result.output.splitlines() if line.startswith("error:")]
            assert len(errors) == 1, (kind, path.name, result.output)
            assert not out.exists(), (kind, path.name)
        else:
            assert out.exists(), (kind, path.name)
        outcomes[(kind, result.exit_code)] += 1
    print("fuzz:", len(mine), "mutated workbooks;", ", ".join(f"{kind} exit {code}: {n}"
                                                           for (kind, code), n in sorted(outcomes.items())))
    # The fuzzing reaches past the zip checks into the parsers, and some damage is harmless.
    assert {code for _, code in outcomes} >= {0, 2}


def _entity_sheet(tmp_path, use: bool):
    good = write_template(tmp_path / "good.xlsx", small_book())
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)) + b"]>"
    bad = tmp_path / ("uses.xlsx" if use else "declares.xlsx")

    def change(name, data):
        if name == "xl/worksheets/sheet3.xml":
            data = data.replace(b"?>", b"?>" + laughs, 1)
            if use:
                data = data.replace(b"</sheetData>", b'<row r="900"><c r="A900" t="inlineStr"><is><t>&i;</t>'
                                    b"</is></c></row></sheetData>", 1)
        return data
    _rezip(good, bad, change)
    return bad


@pytest.mark.parametrize("use", [False, True], ids=["declared", "declared and used"])
def test_an_entity_declaring_worksheet_is_refused_naming_the_part(tmp_path, use):
    bad = _entity_sheet(tmp_path, use)
    result = CliRunner().invoke(main, ["build", str(bad), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "xl/worksheets/sheet3.xml declares a document type" in result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_a_damaged_sheet_names_the_table_in_one_line(tmp_path):
    """calamine's XmlError (here an undefined entity, no DTD) becomes one line naming the table."""
    good = write_template(tmp_path / "good.xlsx", small_book())
    bad = tmp_path / "bad.xlsx"
    _rezip(good, bad, lambda name, data: data.replace(
        b"</sheetData>", b'<row r="900"><c r="A900" t="inlineStr"><is><t>&i;</t></is></c></row></sheetData>', 1)
        if name == "xl/worksheets/sheet3.xml" else data)
    result = CliRunner().invoke(main, ["build", str(bad), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Excel Table 'Sales' cannot be read (XmlError" in errors[0], result.output


def _blank_cell_bomb(tmp_path, rows: int):
    """The Sales sheet padded with ``rows`` rows of five blank styled cells:
    about 130 bytes of XML per row that pack 11 to 1, like real data would not."""
    good = write_template(tmp_path / "good.xlsx", small_book())
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "xl/worksheets/sheet3.xml":
                out.writestr(info.filename, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with out.open(info.filename, "w", force_zip64=True) as member:
                member.write(head)
                for start in range(100, 100 + rows, 10_000):
                    member.write(b"".join(b'<row r="%d"><c r="A%d" s="1"/><c r="B%d" s="1"/><c r="C%d" s="1"/>'
                                          b'<c r="D%d" s="1"/><c r="E%d" s="1"/></row>' % ((r,) * 6)
                                          for r in range(start, min(start + 10_000, 100 + rows))))
                member.write(b"</sheetData>" + tail)
    return bomb


@pytest.mark.slow(4)
def test_a_zip_bomb_of_blank_cells_is_refused_early_in_bounded_memory(tmp_path):
    bomb = _blank_cell_bomb(tmp_path, 1_000_000)
    with zipfile.ZipFile(bomb) as archive:
        part = archive.getinfo("xl/worksheets/sheet3.xml")
    assert part.file_size > safe_io.SCANNED_FROM and part.file_size / part.compress_size < safe_io.MAX_COMPRESSION_RATIO
    # VmHWM, the peak of this process image: ru_maxrss would carry the pytest parent's size across exec.
    script = ("import re, sys\nfrom kam_xl.app.cli import main\n"
              "try:\n    main([sys.argv[1], '-o', sys.argv[2]])\nexcept SystemExit as e:\n    code = e.code\n"
              "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]) // 1024\n"
              "print('PEAK', code, peak)")
    out = tmp_path / "out.xlsx"
    run = subprocess.run([sys.executable, "-c", script.replace("main([", "main(['build', "), str(bomb), str(out)],
                         capture_output=True, text=True, timeout=120)
    _, code, peak_mb = run.stdout.strip().splitlines()[-1].split()
    assert code == "2" and "of which" in run.stderr and "--allow-large" in run.stderr, run.stderr
    assert int(peak_mb) < 300 and not out.exists()
    print(f"zip bomb of {part.file_size / 2**20:.0f} MB blank cells: refused, peak {peak_mb} MB")


def test_allow_large_reads_the_padded_book(tmp_path, monkeypatch):
    monkeypatch.setattr(safe_io, "SCANNED_FROM", 1 << 20)   # a small bomb stands in for a big one
    bomb = _blank_cell_bomb(tmp_path, 20_000)
    runner = CliRunner()
    refused = runner.invoke(main, ["build", str(bomb), "-o", str(tmp_path / "a.xlsx")])
    assert refused.exit_code == 2 and re.search(r"of 100,\d{3} cells, of which \d\d hold a value", refused.output), \
        refused.output
    monkeypatch.setenv(safe_io.ALLOW_LARGE_VARIABLE, "0")   # restored after the test; the flag sets it to 1
    result = runner.invoke(main, ["build", "--allow-large", str(bomb), "-o", str(tmp_path / "b.xlsx")])
    assert result.exit_code == 0 and "4 customers" in result.output, result.output


def test_the_blank_cell_count_sees_any_whitespace_after_the_tag(tmp_path, monkeypatch):
    monkeypatch.setattr(safe_io, "SCANNED_FROM", 1 << 20)
    bomb = _blank_cell_bomb(tmp_path, 20_000)
    with zipfile.ZipFile(bomb) as src, zipfile.ZipFile(tmp_path / "tabs.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            out.writestr(info.filename, data.replace(b"<c r=", b"<c\tr=") if "sheet3" in info.filename else data)
    result = CliRunner().invoke(main, ["build", str(tmp_path / "tabs.xlsx"), "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 2 and "refused as a possible zip bomb" in result.output, result.output


def test_a_build_scans_its_input_once_and_a_changed_file_again(tmp_path, monkeypatch):
    """The command line checks an input before it imports the analysis, and the reader checks it again: a
    file that passed and has not changed since is not scanned a second time (about 1 s at a million lines)."""
    import os

    from kam_xl.inputs import safe_io
    scans = []
    real = safe_io._refuse_insane
    monkeypatch.setattr(safe_io, "_refuse_insane",
                        lambda path, allow_large: scans.append(path) or real(path, allow_large))
    good = write_template(tmp_path / "good.xlsx", small_book())
    result = CliRunner().invoke(main, ["build", str(good), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0, result.output
    assert scans == [good]
    stat = good.stat()
    os.utime(good, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))   # changed since: scanned again
    safe_io.check_workbook_file(good)
    assert scans == [good, good]
