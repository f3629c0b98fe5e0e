"""Build and install kam-xl.oxt, the LibreOffice Calc add-in of the KAM_ functions.

Everything in it comes from the function declarations for Excel (kam_udfs):
the UNO interface (IDL, compiled into the committed type library
``kam_xl/excel/XKamXL.rdb`` by ``make addin-types``), the Calc function list with its help (CalcAddIns.xcu, English
and Chinese) and the component (kam_calc.py), so Excel and Calc offer the same
functions with the same arguments. ``kam-xl addin install --libreoffice``
builds it for the running Python (its paths go first on the add-in's path)
and registers it with ``unopkg``.
"""
from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import kam_udfs
import kam_xl.excel
from kam_xl import __version__
from kam_xl.excel.cells import CALC_ADDIN

HERE = Path(__file__).resolve().parent
TYPE_LIBRARY = Path(kam_xl.excel.__file__).resolve().parent / "XKamXL.rdb"   # package data, compiled by SDK
IMPLEMENTATION = CALC_ADDIN
IDENTIFIER = "org.kamxl.calc"   # the extension's, for unopkg
# The Chinese help of each function and argument (English comes from the docstrings).
ZH_FUNCTIONS = {
    "KAM_ABC": "按价值把客户分为 A/B/C 类（ABC 分级）",
    "KAM_GROSSMARGIN": "毛利率 = (收入 - 成本) / 收入",
    "KAM_ARTURNOVER": "应收账款周转率 = 赊销收入 / 平均应收账款",
    "KAM_DSO": "应收账款周转天数 = 期间天数 / 周转率",
    "KAM_AGING": "按逾期天数划分的应收账款账龄（一行）",
    "KAM_PROVISION": "每笔应收账款的坏账准备 = 金额 × 所属账龄段计提比例",
    "KAM_EXPECTED_RECEIPT_DATE": "预计收款日 = 到期日 + 客户平均逾期天数",
    "KAM_RFM": "RFM 评分（R、F、M 各 1-5 分）",
    "KAM_HHI": "赫芬达尔指数（收入集中度，0-10,000）",
    "KAM_BGNBD_FIT": "拟合 BG/NBD 购买模型：r, alpha（天）, a, b",
    "KAM_PARETO_FIT": "拟合 Pareto/NBD 购买模型：ParetoNBD, r, alpha（天）, s, beta（天）",
    "KAM_PALIVE": "客户仍活跃的概率（BG/NBD 或 Pareto/NBD）",
    "KAM_EXPECTED_PURCHASES": "未来若干天预计购买次数",
    "KAM_PROFITABILITY": "客户盈利表（由整张输入表计算）",
    "KAM_RECEIVABLES": "应收账款表（由整张输入表计算）",
    "KAM_CLASSIFICATION": "客户分类表（由整张输入表计算）",
    "KAM_TABLE": "按名称返回 kam-xl 的任一输出表",
}
ZH_ARGUMENTS = {
    "values": "金额列", "share_a": "A 类累计占比上限", "share_b": "B 类累计占比上限",
    "customer_ids": "客户编码列（可选）",
    "revenue": "销售收入列", "cogs": "销售成本列", "credit_sales": "赊销收入", "opening_ar": "期初应收账款",
    "closing_ar": "期末应收账款", "period_days": "期间天数", "due_dates": "到期日列", "open_amounts": "未收金额列",
    "as_of": "截止日期", "buckets": "账龄分段天数，如 \"30,60,90\"", "amounts": "应收金额列", "ages": "账龄天数列",
    "bands": "各账龄段天数上限", "rates": "各账龄段计提比例", "avg_days_late": "平均逾期天数",
    "recency_days": "天数（KAM_RFM：距最近一次购买；模型函数：首次至最近一次购买）", "frequency": "购买次数",
    "monetary": "收入",
    "age_days": "首次购买至截止日的天数", "model_params": "模型参数（KAM_BGNBD_FIT 或 KAM_PARETO_FIT 的结果）",
    "days": "预测天数", "table_name": "输出表名称", "sales": "销售表（含表头）", "activities": "服务作业表（含表头）",
    "activity_rates": "作业费率表（含表头）", "customers": "客户表（含表头）", "invoices": "发票表（含表头）",
    "payments": "收款表（含表头）", "parameters": "参数表（含表头）", "contacts": "联系记录表（含表头）",
    "industry_outlook": "行业前景表（含表头）",
}


def functions() -> dict[str, list[str]]:
    """{function name: its arguments}, in the order Excel declares them."""
    return {name: list(inspect.signature(body).parameters) for name, (body, _) in kam_udfs.DECLARED.items()}


def uno_name(argument: str) -> str:
    """An argument's name in the UNO interface, where identifiers have no underscore: share_a -> shareA."""
    first, *rest = argument.split("_")
    return first + "".join(part.title() for part in rest)


def idl() -> str:
    """The UNO interface of the add-in: every argument ``any`` (a value, or a range as rows), every result
    rows of values (one value is one row of one)."""
    def method(name: str, arguments: list[str]) -> str:
        declared = ", ".join(f"[in] any {uno_name(a)}" for a in arguments)
        return f"        sequence< sequence< any > > {name}({declared});"
    methods = "\n".join(method(name, arguments) for name, arguments in functions().items())
    return ("#include <com/sun/star/uno/XInterface.idl>\n\n"
            "module org { module kamxl {\n"
            "    interface XKamXL : com::sun::star::uno::XInterface\n    {\n"
            f"{methods}\n    }};\n}}; }};\n")


def compile_type_library(target: Path = TYPE_LIBRARY) -> Path:
    """Compile the IDL with the LibreOffice SDK's unoidl-write (package libreoffice-dev); kept in the repository
    so users need no SDK."""
    program = Path("/usr/lib/libreoffice/program")
    writer = shutil.which("unoidl-write") or "/usr/lib/libreoffice/sdk/bin/unoidl-write"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "XKamXL.idl"
        source.write_text(idl(), encoding="utf-8")
        subprocess.run([writer, str(program / "types.rdb"), str(program / "types" / "offapi.rdb"), str(source),
                        str(target)], check=True, capture_output=True)
    return target


def configuration() -> str:
    """CalcAddIns.xcu: each function's name, description and arguments as Calc's Function Wizard shows them."""
    def text(prop: str, en: str, zh: str | None) -> str:
        values = f'<value xml:lang="en-US">{escape(en)}</value>' + (f'<value xml:lang="zh-CN">{escape(zh)}</value>'
                                                                    if zh else "")
        return f'<prop oor:name="{prop}">{values}</prop>'
    nodes = []
    for name, (body, _) in kam_udfs.DECLARED.items():
        help_text = kam_udfs.argument_help(body)
        summary = (body.__doc__ or name).strip().splitlines()[0]
        parameters = "".join(
            f'<node oor:name="{uno_name(a)}" oor:op="replace">{text("DisplayName", a, None)}'
            f'{text("Description", help_text.get(a, a), ZH_ARGUMENTS.get(a))}</node>'
            for a in inspect.signature(body).parameters)
        nodes.append(f'<node oor:name="{name}" oor:op="replace">{text("DisplayName", name, name)}'
                     f'{text("Description", summary, ZH_FUNCTIONS.get(name))}'
                     f'<prop oor:name="Category"><value>Add-In</value></prop>'
                     f'<prop oor:name="CompatibilityName"><value xml:lang="en-US">{name}</value></prop>'
                     f'<node oor:name="Parameters">{parameters}</node></node>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" oor:name="CalcAddIns" oor:package="org.openoffice.Office">'
            f'<node oor:name="AddInInfo"><node oor:name="{IMPLEMENTATION}" oor:op="replace">'
            f'<node oor:name="AddInFunctions">{"".join(nodes)}</node></node></node></oor:component-data>\n')


# The extension's parts and their media types.
PARTS = {"XKamXL.rdb": "application/vnd.sun.star.uno-typelibrary;type=RDB",
         "kam_calc.py": "application/vnd.sun.star.uno-component;type=Python",
         "CalcAddIns.xcu": "application/vnd.sun.star.configuration-data"}
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">\n'
            + "".join(f' <manifest:file-entry manifest:full-path="{part}" manifest:media-type="{kind}"/>\n'
                      for part, kind in PARTS.items())
            + "</manifest:manifest>\n")


def description() -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<description xmlns="http://openoffice.org/extensions/description/2006" '
            'xmlns:xlink="http://www.w3.org/1999/xlink">'
            f'<identifier value="{IDENTIFIER}"/>'
            f'<version value="{__version__}"/>'
            '<display-name><name lang="en">kam-xl functions</name><name lang="zh-CN">kam-xl 函数</name></display-name>'
            '</description>\n')


def build(target: Path, paths: list[str] | None = None) -> Path:
    """kam-xl.oxt for the Python whose ``paths`` hold kam-xl and its libraries (default: this one's)."""
    if paths is None:   # where kam-xl and kam_udfs are, then this Python's libraries (not its standard library)
        paths = [str(Path(kam_xl.excel.__file__).resolve().parents[2]), str(HERE),
                 *[p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]]
    header = f"import sys\nsys.path[:0] = [p for p in {json.dumps(paths)} if p not in sys.path]\n"
    component = (HERE / "kam_calc.py").read_text(encoding="utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as oxt:
        oxt.writestr("META-INF/manifest.xml", MANIFEST)
        oxt.writestr("description.xml", description())
        oxt.writestr("CalcAddIns.xcu", configuration())
        oxt.write(TYPE_LIBRARY, "XKamXL.rdb")
        oxt.writestr("kam_calc.py", header + component)
    return target


def install(oxt: Path, profile: Path | None = None) -> str:
    """Register the extension with unopkg: for this user (or in the LibreOffice ``profile`` folder given); as
    root, where unopkg refuses per-user extensions, for every user of this LibreOffice (--shared)."""
    return _unopkg(["add", "--force", str(oxt)], profile)


def uninstall(profile: Path | None = None) -> str:
    return _unopkg(["remove", IDENTIFIER], profile)


def installed(profile: Path | None = None) -> bool:
    """Whether LibreOffice lists the extension (for this user or the ``profile``; as root, for all users)."""
    return IDENTIFIER in _run_unopkg(["list"], profile).stdout


def unopkg_path() -> str:
    return shutil.which("unopkg") or "/usr/lib/libreoffice/program/unopkg"


def _unopkg(arguments: list[str], profile: Path | None) -> str:
    done = _run_unopkg(arguments, profile)
    if done.returncode != 0:
        raise RuntimeError(f"unopkg {arguments[0]} failed: {(done.stdout + done.stderr).strip()}")
    return unopkg_path()


def _run_unopkg(arguments: list[str], profile: Path | None) -> subprocess.CompletedProcess:
    command = [unopkg_path(), *arguments]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--shared")
    elif profile is not None:
        command.append(f"-env:UserInstallation={profile.resolve().as_uri()}")
    return subprocess.run(command, capture_output=True, text=True, timeout=300)
