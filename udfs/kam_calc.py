"""kam-xl functions in LibreOffice Calc: the UNO add-in component.

Built into kam-xl.oxt by kam_calc_build (``kam-xl addin install
--libreoffice``), which puts the Python environment where kam-xl is installed
on the path first. Each KAM_ function is the body kam_udfs declares for Excel,
called through the same cell adapters (kam_xl.excel.cells), so the two cannot
drift: Calc passes ranges as nested tuples and dates as serial numbers, and
shows results the same way.
"""
import unohelper
from com.sun.star.lang import XServiceInfo, XServiceName

try:
    from org.kamxl import XKamXL
    INTERFACES = (XKamXL,)
except ImportError:   # while unopkg registers the extension its own type library is not live yet
    INTERFACES = ()

import kam_udfs
from kam_xl.excel.cells import CALC_ADDIN, from_calc, to_calc

IMPLEMENTATION = CALC_ADDIN
SERVICES = ("com.sun.star.sheet.AddIn",)


def _calc_function(body):
    def call(self, *arguments):
        values = [from_calc(a) for a in arguments]
        while values and values[-1] is None:   # an omitted optional argument: the function's default
            values.pop()
        return to_calc(body(*values))
    call.__name__ = body.__name__
    return call


class KamXL(unohelper.Base, *INTERFACES, XServiceName, XServiceInfo):
    def __init__(self, context):
        self.context = context

    def getServiceName(self):
        return IMPLEMENTATION

    def getImplementationName(self):
        return IMPLEMENTATION

    def supportsService(self, name):
        return name in SERVICES

    def getSupportedServiceNames(self):
        return SERVICES


for _name, (_body, _ranges) in kam_udfs.DECLARED.items():
    setattr(KamXL, _name, _calc_function(_body))

g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(KamXL, IMPLEMENTATION, SERVICES)
