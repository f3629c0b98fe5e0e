"""LibreOffice headless: conversion with a private profile, optionally with
forced recalculation of every formula (OOXMLRecalcMode = 0, "always")."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(files: list[Path], target: str, out_dir: Path, recalculate: bool = False, timeout: int = 900) -> list[Path]:
    """Convert ``files`` (e.g. target 'xlsx' or 'pdf' or a 'pdf:filter:{...}'
    spec) into ``out_dir``; returns the converted paths that were produced."""
    binary = soffice()
    if binary is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    extension = target.split(":")[0]
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kam-xl-lo-") as profile:
        if recalculate:
            user = Path(profile) / "user"
            user.mkdir(parents=True)
            (user / "registrymodifications.xcu").write_text(_RECALC_ALWAYS, encoding="utf-8")
        command = [binary, "--headless", "--norestore", f"-env:UserInstallation={Path(profile).as_uri()}",
                   "--convert-to", target, "--outdir", str(out_dir), *map(str, files)]
        subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    made = [out_dir / f"{Path(f).stem}.{extension}" for f in files]
    return [path for path in made if path.exists()]
