"""The package as users install it: the wheel (built from the sdist, as pip does from a clean clone) holds
every module and data file of the source tree, and starts from outside the checkout."""
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What an sdist is made from; the rest of the checkout (tests, workbook, docs) is not part of the package.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "kam_xl", "udfs")


def _package_files() -> set[str]:
    """Every file the installed package must hold, as a path inside the wheel."""
    files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "kam_xl").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    return files | {p.name for p in (ROOT / "udfs").glob("*.py")}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """sdist and wheel of a copy of the tree, built offline with this Python's setuptools."""
    tree = tmp_path_factory.mktemp("tree")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(source, tree / name)
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(tree)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {"wheel": next(dist.glob("*.whl")), "sdist": next(dist.glob("*.tar.gz")),
            "log": done.stdout + done.stderr}


@pytest.mark.slow(8)
def test_the_wheel_holds_every_module_and_data_file(built):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = set(wheel.namelist())
    package = {n for n in names if ".dist-info/" not in n}
    assert package == _package_files(), (sorted(_package_files() - package), sorted(package - _package_files()))
    assert "kam_xl/excel/XKamXL.rdb" in package   # the Calc add-in's type library, read at run time


def test_the_sdist_holds_what_the_wheel_is_built_from(built):
    with tarfile.open(built["sdist"]) as sdist:
        names = {"/".join(m.name.split("/")[1:]) for m in sdist.getmembers() if m.isfile()}
    missing = {f if "/" in f else f"udfs/{f}" for f in _package_files()} - names
    assert not missing and "LICENSE" in names


def test_licence_metadata_in_the_current_form(built):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        metadata = wheel.read(next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata
    assert "Classifier: License" not in metadata
    assert "deprecat" not in built["log"].lower(), built["log"]


@pytest.mark.slow(6)
def test_the_unpacked_wheel_starts_from_another_folder(built, tmp_path):
    """Imported from the wheel alone (not the checkout): every command's modules load, --version answers."""
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(built["wheel"]) as wheel:
        wheel.extractall(unpacked)
    import kam_xl
    code = ("import kam_xl, kam_udfs, kam_calc_build, pkgutil, importlib\n"
            f"assert kam_xl.__file__.startswith({str(unpacked)!r}), kam_xl.__file__\n"
            "for m in pkgutil.walk_packages(kam_xl.__path__, 'kam_xl.'): importlib.import_module(m.name)\n"
            "from kam_xl.app.cli import main; main(['--version'])\n")
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == f"kam-xl, version {kam_xl.__version__}"
