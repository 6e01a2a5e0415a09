"""Compiler for the 政府信息公开工作年度报告: standard workbook → validated data → official Word report."""

__version__ = "0.1.0"
