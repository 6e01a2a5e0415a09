"""Every agency's years: the SQLite archive, last year's report for each agency, next year's workbook."""
