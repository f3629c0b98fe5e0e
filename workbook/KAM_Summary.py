"""Refresh macro of KAM_Summary.xlsm (written by kam-xl; safe to keep or edit).

xlwings' "Run main" button and the workbook's macro call main(), which reads
the input tables of the open workbook, runs kam-xl and writes the outputs.
"""
from kam_xl.excel.xlwings_app import refresh_book


def main():
    import xlwings as xw

    refresh_book(xw.Book.caller())
