"""The contract in one place (docs/CONTRACT.md): what the user's input tables are called and hold
(:mod:`kam_xl.contract.tables`) and what the summary's output tables are called and how each column reads
(:mod:`kam_xl.contract.outputs`). Readers, writers, the macro, the template, the docs and the tests take names
from here."""
from kam_xl.contract.outputs import *  # noqa: F401,F403
from kam_xl.contract.tables import *  # noqa: F401,F403
from kam_xl.contract.tables import _CID  # noqa: F401
