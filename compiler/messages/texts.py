"""The words of the interface that are not findings: status lines, column headings, what a command
says when it is done or refuses its arguments, the error report sent back to an agency.

One place for both languages, like the findings' catalogue: ``TEXTS`` holds ``str.format``
templates (Chinese, English; a ``{x_en}`` placeholder is the English form of ``{x}``), ``LABELS``
the rows of headings, and a test keeps both languages filling in the same values.
"""

from __future__ import annotations

# key: (Chinese template, English template)
TEXTS: dict[str, tuple[str, str]] = {
    # the command line
    "bad_arguments": ("参数有误：{message}（运行 {command} --help 查看用法）", "Bad arguments: {message} (see `{command} --help`)"),
    "cancelled": ("已取消。", "Cancelled."),
    "unusable": ("无法使用  {message}", "UNUSABLE  {message}"),
    "output_not_docx": ("输出文件应以 .docx 结尾（PDF、网页请用 --pdf、--html）。",
                        "The output must end in .docx (use --pdf/--html for the others)."),
    "output_is_input": ("输出文件不能覆盖输入的文件（请用 -o 指定另一个 .docx）。", "The output cannot overwrite the input (name another .docx with -o)."),
    "output_not_xlsx": ("输出文件应以 .xlsx 结尾。", "The output must end in .xlsx."),
    "output_not_json_or_xlsx": ("输出文件应以 .json 或 .xlsx 结尾。", "The output must end in .json or .xlsx."),
    "output_is_report": ("输出文件不能覆盖输入的报告。", "The output cannot overwrite the report."),
    "output_exists": ("{path} 已存在；加 --force 覆盖。", "{path} exists; use --force to overwrite."),
    "output_not_folder": ("{path} 不是文件夹；批量编译时 -o 应为输出目录。",
                          "{path} is not a folder; with several workbooks -o names the output folder."),
    "output_folder_failed": ("无法创建输出目录 {path}（{detail}）。", "Cannot create the output folder {path} ({detail})."),
    "no_report_written": ("未生成报告：请先改正以上错误。", "No report written: fix the errors above first."),
    "no_report_template": ("未生成报告：请先修改模板（compile template-check 可单独检查模板）。",
                           "No report written: fix the template first (`compile template-check` checks it alone)."),
    "no_workbooks_to_compile": ("没有找到要编译的工作簿（.xlsx）。", "No workbooks (.xlsx) found."),
    "no_workbooks_to_check": ("没有找到要校验的工作簿（.xlsx）。", "No workbooks (.xlsx) found."),
    "no_workbooks_to_roll_up": ("没有找到要汇总的工作簿（.xlsx）。", "No workbooks (.xlsx) found."),
    "compiling": ("编译中", "Compiling"),
    "blank_org": ("空白", "blank"),  # names a blank workbook written without --org or -o
    "format_chosen_for_year": ("注意：{year} 年度通常使用 {expected} 格式；已按 --format 生成 {format} 格式，校验和生成报告时将按 {format} 格式处理并给出提示。",
                               "Note: {year} normally uses the {expected} format; the {format} format was made as --format asked, and check and compile will use it with a warning."),
    "workbook_written": ("已生成 {format} 格式（{source}）{year} 年度填报表：{output}",
                         "Wrote the {year} workbook in the {format} format ({source}): {output}"),
    "bad_deadline": ("期限「{found}」应为次年的月-日，如 01-31 或 03-31。", "The deadline '{found}' must be a month and day, such as 01-31 or 03-31."),
    # last year against this year (compile diff)
    "diff_page_not_html": ("对照网页应以 .html 结尾。", "The comparison page must end in .html."),
    "diff_not_last_year": ("注意：LAST（{last}）是 {last_year} 年度，THIS（{this}）是 {this_year} 年度，不是相邻的上一年度与本年度"
                           "（参数顺序是否颠倒？应为 compile diff 上一年度 本年度）。",
                           "Note: LAST ({last}) is for {last_year} and THIS ({this}) for {this_year}: not last year and this "
                           "year (arguments swapped? It is compile diff LAST_YEAR THIS_YEAR)."),
    "diff_other_agency": ("注意：两份报告不是同一机关的：LAST 为「{last_org}」，THIS 为「{this_org}」。",
                          "Note: the two reports are of different agencies: LAST is {last_org}, THIS is {this_org}."),
    "diff_with_errors": ("注意：{file} 有 {errors} 个错误（compile check 可查看），未能读取的数字不作比较。",
                         "Note: {file} has {errors} error(s) (see `compile check`); unreadable figures are not compared."),
    # importing a published report
    "import_complete": ("导入结果：完整", "Import: complete"),
    "import_partial": ("导入结果：不完整（未读取的内容见上）", "Import: partial (see above for what was not read)"),
    # the roll-up
    "rollup_default_org": ("汇总", "Roll-up"),
    "rollup_refused": ("未汇总：{message}", "Not rolled up: {message}"),
    "rollup_done": ("已汇总 {count} 个单位（{year} 年度，{format} 格式）：{output}",
                    "Rolled up {count} unit(s) ({year}, format {format}): {output}"),
    "rollup_done_note": ("纳入与未纳入的单位及各单位主要数字见工作表「{sheet}」；叙述部分请在汇总表中另行撰写。",
                         "Units included and excluded are listed on sheet '{sheet}'; write the narrative in the workbook."),
    "rollup_excluded_unit": ("未纳入  {name}：{reason}", "excluded  {name}: {reason}"),
    "rollup_group": ("{year} 年度（{format} 格式）{count} 个：{names}", "{year}, format {format}: {count} ({names})"),
    "rollup_units_title": ("汇总单位", "Units included"),
    "rollup_total": ("合计", "Total"),
    "rollup_unit_count": ("{count} 个单位", "{count} units"),
    "rollup_excluded_title": ("未纳入汇总", "Excluded"),
    "none": ("无", "none"),
    "list_separator": ("、", ", "),
    "group_separator": ("；", "; "),
    # findings on the terminal
    "status_line": ("{status}  {name}：{errors} 个错误，{warnings} 个警告",
                    "{status}  {name}: {errors} error(s), {warnings} warning(s)"),
    "more_not_shown": ("…还有 {hidden} 条未显示（--limit-errors）", "… {hidden} more not shown (--limit-errors)"),
    # a batch
    "error_report_suffix": ("-错误报告.txt", "-errors.txt"),
    "error_report_title": ("政府信息公开工作年度报告填报表校验结果", "Government information disclosure annual report — workbook check"),
    "error_report_workbook": ("工作簿：{name}", "Workbook: {name}"),
    "error_report_unit": ("机关名称：{org}    年度：{year}", "Organisation: {org}    Year: {year}"),
    "error_report_counts": ("发现 {errors} 个错误（必须改正）、{warnings} 个警告（请核对）：",
                            "{errors} error(s) to correct and {warnings} warning(s) to check:"),
    "error_report_unreadable": ("该文件无法读取：", "The file cannot be read:"),
    "error_report_closing": ("请按以上说明在填报表中改正（黄色单元格为填写项），保存为 .xlsx 后重新报送。",
                             "Please correct the workbook as described above (yellow cells are for input), "
                             "save it as .xlsx and send it again."),
    "error_report_closing_resave": ("请在 Excel/WPS 中打开该文件，另存为 .xlsx（Excel 工作簿）后重新报送。",
                                    "Please open the file in Excel/WPS, save it as .xlsx (Excel workbook) "
                                    "and send it again."),
    "error_report_closing_unusable": ("请按以上说明处理后重新报送。",
                                      "Please deal with the problem described above and send the workbook again."),
    "unchanged_since_last_run": ("未改动，沿用上次的结果。", "Unchanged since the last run; outputs kept."),
    "same_unit_twice": ("同一机关、年度有 {count} 份填报表：{names}，请确认以哪份为准。",
                        "Same organisation and year in {count} workbooks: {names}."),
    "not_overwritten": ("{name} 已存在，未覆盖（加 --force 覆盖）。", "{name} already exists; not overwritten (use --force)."),
    "batch_totals": ("共 {total} 个工作簿：通过 {valid}，有错误 {invalid}，无法使用 {unusable}",
                     "{total} workbook(s): {valid} valid, {invalid} invalid, {unusable} unusable"),
    "batch_totals_skipped": ("，已跳过 {skipped}", ", {skipped} skipped"),
    "batch_totals_failed": ("，内部错误 {failed}", ", {failed} failed"),
    "batch_totals_summary": ("。汇总表：{path}", ". Summary: {path}"),
    # the archive (compile archive, --archive, --previous, new --from)
    "previous_note": ("上一年度：{note}", "Last year: {note}"),
    "archive_not_written": ("无法写入档案：{message}", "Archive not written: {message}"),
    "archived": ("  已存入档案  {org} {year} 年度（{name}）→ {path}", "  archived  {org} {year} ({name}) → {path}"),
    "archived_replaces": ("（替换了 {added} 从 {name} 加入的记录）", " (replaces the entry from {name}, added {added})"),
    "path_missing": ("{path} 不存在。", "{path} does not exist."),
    "no_reports_to_add": ("没有找到可加入的文件（.xlsx、.json、.docx、.html、.pdf）。",
                          "No files to add (.xlsx, .json, .docx, .html, .pdf)."),
    "not_added_no_name": ("未加入  {path}：没有机关名称或年度。", "NOT ADDED  {path}: no organisation or year."),
    "archive_added": ("已加入  {org} {year} 年度（{format} 格式，{status}）← {name}",
                      "added  {org} {year} ({format}, {status}) ← {name}"),
    "archive_added_errors": ("：{count} 个错误，第一个：{first}", ": {count} error(s), first: {first}"),
    "archive_added_replaces": ("；替换了原记录（{status}，来自 {name}，{added} 加入）",
                               "; replaces the entry from {name} ({status}, added {added})"),
    "archive_added_total": ("档案 {path}：加入 {count} 份，其中替换 {replaced} 份。",
                            "Archive {path}: {count} added, {replaced} of them replaced."),
    "archive_years": ("，{first}–{last} 年度", ", {first}–{last}"),
    "archive_listed_total": ("共 {count} 份报告，{orgs} 个机关{span}。", "{count} report(s) of {orgs} organisation(s){span}."),
    "archive_alias_row": ("  曾用名  「{old}」→「{new}」", "  renamed  {old} → {new}"),
    "alias_recorded": ("已登记：「{old}」更名为「{new}」（档案 {path}）。查找「{new}」的上一年度报告时也查找「{old}」的报告。",
                       "Recorded: {old} was renamed {new} (archive {path}); {new}'s last year is also looked up under {old}."),
    "alias_old_not_archived": ("  注意：档案中还没有「{old}」名下的报告，这条登记暂时不会关联任何报告。名称是否有误？档案中相近的名称：{similar}。",
                               "  Note: the archive holds no report under {old} yet, so this entry joins nothing for now. "
                               "Is the name right? Similar names in the archive: {similar}."),
    "alias_replaced": ("  原登记的「{old}」→「{before}」已被替换。", "  The earlier entry {old} → {before} was replaced."),
    "alias_empty": ("机关名称不能为空。", "Names cannot be empty."),
    "alias_same": ("旧名与新名相同（忽略空格和全角半角）。", "The old and new names are the same."),
    "alias_loop": ("这样登记会形成循环（新名已登记为旧名的曾用名）。", "That would make a loop of renames."),
    "no_last_year": ("没有找到可作为上一年度的报告。", "No report of last year found."),
    "no_last_year_of": ("没有找到 {year} 年度的报告。", "No report of {year} found."),
    "output_one_per_agency": ("{path} 应为文件夹：每个机关生成一个填报表。", "{path} must be a folder: one workbook per organisation."),
    "output_xlsx_or_folder": ("输出文件应以 .xlsx 结尾（或给出文件夹）。", "The output must end in .xlsx (or be a folder)."),
    "archive_has_no_org": ("档案 {path} 中没有「{org}」{year} 年度的报告（相近的名称：{similar}）。",
                           "The archive {path} has no report of {org} for {year} (similar names: {similar})."),
    "archive_has_no_org_at_all": ("档案 {path} 中没有「{org}」的报告（机关改过名的，请先用 compile archive alias 登记）。",
                                  "The archive {path} has no report of {org} (for a renamed agency, run "
                                  "`compile archive alias` first)."),
    "previous_archive_missing": ("--previous archive：档案文件 {path} 不存在。请先用 compile archive add 加入各机关上一年度的报告，"
                                 "或用 --archive 指定档案文件。",
                                 "--previous archive: the archive {path} does not exist. Add last year's reports with "
                                 "`compile archive add` first, or name the archive with --archive."),
    "previous_missing": ("--previous 指定的 {path} 不存在。请检查路径（可以是上一年度的填报表、数据文档、已发布的报告、"
                         "存放这些文件的文件夹，或 archive 表示年报档案）。",
                         "--previous {path} does not exist. Give last year's workbook, data document or published "
                         "report, a folder of them, or `archive` for the archive."),
    "previous_archive_refused": ("--previous archive：{message}", "--previous archive: {message}"),
    "similar_names_hint": ("档案中有相近的名称：{names}；如为同一机关改名，请运行 compile archive alias 旧名 新名。",
                           "Similar names in the archive: {names}; if the agency was renamed, run "
                           "`compile archive alias OLD NEW`."),
    "the_archive": ("档案 {name}", "the archive {name}"),
    "previous_file_unusable": ("--previous 指定的 {name} 无法使用：{reason}", "--previous {name} is unusable: {reason}"),
    "previous_no_name": ("{name}：没有机关名称或年度，已略过。", "{name}: no organisation or year; left out."),
    "previous_duplicate": ("{name} 与 {other} 同为「{org}」{year} 年度但数字不同，采用 {used}。",
                           "{name} and {other} are both {org} {year} with different figures; using {used}."),
    "no_name_or_year": ("没有机关名称或年度。", "no organisation or year."),
    "file_unusable": ("{name} 无法使用：{reason}", "{name} is unusable: {reason}"),
    "file_skipped": ("已略过  {name}：{reason}", "skipped  {name}: {reason}"),
    "next_year_written": ("已生成 {org} {year} 年度填报表（{format} 格式，依据 {last_year} 年度 {name}）：{output}",
                          "Wrote the {year} workbook of {org} ({format} format, from {last_year} {name}): {output}"),
    "agency_not_renewed": ("未生成  {org}：档案中最近的是 {latest} 年度，没有 {year} 年度的上一年度报告（需要时用 --org 和 --year 单独生成）。",
                           "not written  {org}: its latest year in the archive is {latest}, not the year before {year} "
                           "(use --org and --year to make it alone)."),
    "carried": ("  已带入：{items}", "  carried: {items}"),
    "not_carried": ("  未能带入：{items}", "  not carried: {items}"),
    # the template lint
    "template_ok": ("模板可用", "TEMPLATE OK"),
    "template_refused": ("模板不可用", "TEMPLATE REFUSED"),
    "template_place_cell": ("{part}表格 {table} 第 {row} 行第 {column} 列", "{part} table {table} row {row} column {column}"),
    "template_place_paragraph": ("{part}第 {paragraph} 段", "{part} paragraph {paragraph}"),
}

# key: (Chinese labels, English labels), in the order they are shown
LABELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "findings_columns": (("工作表", "单元格", "代码", "说明"), ("Sheet", "Cell", "Code", "Message")),
    "clerk_findings_columns": (("工作表", "单元格", "类型", "说明"), ("Sheet", "Cell", "Kind", "Message")),
    "severities": (("错误", "警告"), ("error", "warning")),
    "batch_statuses": (("通过", "有错误", "无法使用", "已跳过", "内部错误"),
                       ("valid", "invalid", "unusable", "skipped", "failed")),
    "batch_columns": (("工作簿", "机关名称", "年度", "格式", "状态", "错误数", "警告数", "与上年重复率", "输出文件", "说明"),
                      ("Workbook", "Organisation", "Year", "Format", "Status", "Errors", "Warnings", "Repeated", "Output",
                       "Note")),
    "archive_statuses": (("通过", "有错误"), ("valid", "invalid")),
    "archive_columns": (("机关名称", "年度", "格式", "状态", "错误", "警告", "来源文件", "加入时间"),
                        ("Organisation", "Year", "Format", "Status", "Errors", "Warnings", "Source", "Added")),
    "rollup_included_columns": (("序号", "机关名称", "年度", "格式", "工作簿"), ("No.", "Organisation", "Year", "Format", "Workbook")),
    "rollup_excluded_columns": (("序号", "机关名称", "年度", "工作簿", "原因"), ("No.", "Organisation", "Year", "Workbook", "Reason")),
}


def text(key: str, lang: str = "zh", **params) -> str:
    """The interface text ``key`` in ``lang`` (English for "en", Chinese otherwise), filled in."""
    zh, en = TEXTS[key]
    template = en if lang == "en" else zh
    if not params:
        return template
    for name in list(params):
        params.setdefault(f"{name}_en", params[name])
    return template.format(**params)


def labels(key: str, lang: str = "zh") -> tuple[str, ...]:
    zh, en = LABELS[key]
    return en if lang == "en" else zh
