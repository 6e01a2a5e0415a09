"""Findings (errors and warnings) and the one catalogue of their messages.

A finding is a stable code plus parameters plus where it happened (sheet and cell); the text is
produced from the catalogue at display time, in Chinese by default or in English.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any, Protocol

ERROR, WARNING = "error", "warning"

# code: (severity, Chinese template, English template)
CATALOGUE: dict[str, tuple[str, str, str]] = {
    "missing_sheet": (
        ERROR,
        "缺少工作表「{sheet}」{suggestion}。请使用 compile new 生成的标准填报表，不要删除或重命名工作表。",
        "Sheet '{sheet}' is missing{suggestion_en}. Use the standard workbook from `compile new`; do not delete or rename sheets.",
    ),
    "label_changed": (
        ERROR,
        "标签被修改：应为「{expected}」，实际为「{found}」。请恢复原标签，不要插入或删除行列。",
        "Label changed: expected '{expected}', found '{found}'. Restore it; do not insert or delete rows or columns.",
    ),
    "label_out_of_place": (
        ERROR,
        "此处应为「{expected}」行，却是「{found}」：「{expected}」行可能被删除，或行的顺序被改动。请使用原表格式，不要删除或移动行。",
        "'{expected}' should be here but '{found}' is: the row '{expected}' was probably deleted or moved. Restore the layout.",
    ),
    "label_variant": (
        WARNING,
        "标签「{found}」与官方写法「{expected}」略有不同，已按官方写法读取。",
        "Label '{found}' differs slightly from the official '{expected}'; read as the official label.",
    ),
    "table_moved": (
        WARNING,
        "表格整体向{direction}移动了 {rows} 行（可能插入或删除了行），已按官方标签定位读取。请核对后恢复原表格式。",
        "The table moved {direction_en} by {rows} row(s) (rows inserted or deleted); it was read by its labels. Please restore the layout.",
    ),
    "row_inserted": (
        WARNING,
        "第 {row} 行是插入的行，不属于官方表格；已跳过该行，其余内容按官方标签读取。请删除第 {row} 行。",
        "Row {row} was inserted and is not part of the official table; it was skipped and the rest read by the labels. Delete row {row}.",
    ),
    "column_inserted": (
        WARNING,
        "{column} 列是插入的列，不属于官方表格；已跳过该列，其余内容按官方标签读取。请删除 {column} 列。",
        "Column {column} was inserted and is not part of the official table; it was skipped and the rest read by the labels. Delete column {column}.",
    ),
    "row_moved": (
        WARNING,
        "「{label}」行不在原位置（可能插入或删除了行），已按标签在此处读取。请核对后恢复原表格式。",
        "Row '{label}' is not where it should be (rows inserted or deleted); it was read here by its label.",
    ),
    "unread_data": (
        ERROR,
        "第 {row} 行有不属于官方表格的数据（{cells}），这些数据不会进入报告。请把数字填到对应的官方行列中，并删除插入的行或多余的数据。",
        "Row {row} holds data outside the official table ({cells_en}); it would not reach the report. Move the figures into the official rows and delete the extra row or data.",
    ),
    "unread_column": (
        ERROR,
        "{column} 列有不属于官方表格的数据（{cells}），这些数据不会进入报告。请把数字填到对应的官方行列中，并删除插入的 {column} 列。",
        "Column {column} holds data outside the official table ({cells_en}); it would not reach the report. Move the figures into the official columns and delete column {column}.",
    ),
    "unread_text": (
        ERROR,
        "此单元格的内容不会进入报告：正文只读取 A 列（类型）和 B 列（内容）。请把文字移到 B 列。",
        "This cell would not reach the report: only column A (type) and B (text) are read. Move the text to column B.",
    ),
    "not_a_number": (
        ERROR,
        "「{label}」应填{expected}，实际为「{found}」。请改为数字（没有发生填 0）。",
        "'{label}' must be {expected_en}; found '{found}'. Enter a number (0 if none).",
    ),
    "not_whole": (
        ERROR,
        "「{label}」应为整数，实际为 {found}。件数不能有小数，请核对后填写整数。",
        "'{label}' must be a whole number; found {found}. Counts have no decimals: check and enter a whole number.",
    ),
    "negative": (
        ERROR,
        "「{label}」不能为负数，实际为 {found}。请填写不小于 0 的{expected}。",
        "'{label}' cannot be negative; found {found}. Enter {expected_en} of at least 0.",
    ),
    "too_many_decimals": (
        ERROR,
        "「{label}」最多保留 {max_decimals} 位小数，实际为 {found}。请按表头要求四舍五入。",
        "'{label}' allows at most {max_decimals} decimals; found {found}. Round it as the header asks.",
    ),
    "text_number": (
        WARNING,
        "「{label}」的数字以文本形式填写（「{found}」），已按 {read_as} 读取。建议改为数字格式。",
        "'{label}' holds a number typed as text ('{found}'); read as {read_as}. Prefer a numeric cell.",
    ),
    "blank_as_zero": (
        WARNING,
        "「{label}」为空，已按 0 读取。官方表格要求明确填写 0。",
        "'{label}' is blank and was read as 0. The official table wants an explicit 0.",
    ),
    "blank_as_zero_many": (
        WARNING,
        "{count} 个空白单元格已按 0 读取（{cells}）。官方表格要求明确填写 0。",
        "{count} blank cells were read as 0 ({cells_en}). The official table wants an explicit 0.",
    ),
    "text_number_many": (
        WARNING,
        "{count} 个单元格的数字以文本形式填写（{cells}），已按数字读取。建议改为数字格式。",
        "{count} cells hold numbers typed as text ({cells_en}); read as numbers. Prefer numeric cells.",
    ),
    "row_moved_many": (
        WARNING,
        "{count} 行不在原位置（{cells}，可能插入或删除了行），已按标签读取。请核对后恢复原表格式。",
        "{count} rows are not where they should be ({cells_en}; rows inserted or deleted); read by their labels.",
    ),
    "required": (
        ERROR,
        "「{label}」未填写。请在此单元格填写{label}。",
        "'{label}' is empty. Fill in the {label_en}.",
    ),
    "year_invalid": (
        ERROR,
        "年度应为 {first} 至 {last} 之间的四位整数，实际为「{found}」。",
        "The year must be a whole number from {first} to {last}; found '{found}'.",
    ),
    "org_whitespace": (
        WARNING,
        "机关名称含有空格或换行（「{found}」），已按「{read_as}」读取。请在填报表中改正。",
        "The organisation name contains spaces or line breaks ('{found}'); read as '{read_as}'.",
    ),
    "date_implausible": (
        WARNING,
        "成文日期 {found} 与年度 {year} 不符：年报通常在次年（{next_year} 年）年初成文。请核对。",
        "The date {found} does not fit the year {year}: a report is normally dated early in {next_year}.",
    ),
    "date_missing": (
        WARNING,
        "未填写成文日期：报告落款将没有日期。请填写成文日期，如 {year} 年度报告通常为次年 1 月的日期。",
        "No date (成文日期): the report would be signed without a date. Enter the date the {year} report is signed.",
    ),
    "date_before_year_end": (
        ERROR,
        "成文日期 {found} 在 {year} 年度结束之前：年报统计的是全年（1月1日至12月31日），应在年度结束后成文。请核对成文日期或年度。",
        "The date {found} is before the {year} report year has ended: the report covers the whole year and is signed after it. Check the date or the year.",
    ),
    "date_after_deadline": (
        WARNING,
        "成文日期 {found} 晚于 {deadline}（迟 {days} 天）：《中华人民共和国政府信息公开条例》第四十九条规定，部门应于每年1月31日前公布本部门上一年度的年度报告，本级政府年度报告于3月31日前公布（汇总报告请用 --deadline 03-31）。请核对 {year} 年度报告的成文日期。",
        "The date {found} is after {deadline} ({days} day(s) late): under Article 49 of the Regulations, departments publish their {year} report by 31 January and the government's own report by 31 March (use --deadline 03-31 for that one).",
    ),
    "heading_without_text": (
        WARNING,
        "小标题「{heading}」下面没有正文，报告中将只有标题。请补写内容或删除该小标题。",
        "Sub-heading '{heading}' has no text under it; write a paragraph or delete the heading.",
    ),
    "date_invalid": (
        ERROR,
        "成文日期「{found}」无法识别。请填写日期，如 2025年1月20日 或 2025-01-20。",
        "Date '{found}' is not understood. Enter a date such as 2025-01-20.",
    ),
    "format_year_mismatch": (
        ERROR,
        "本填报表是 {format} 格式（适用于 {years} 年度），但年度为 {year}。{year} 年度应使用 {expected} 格式：请运行 compile new --year {year} 生成新表后重新填写。",
        "This workbook uses the {format} format ({years}) but the year is {year}. Use the {expected} format: run `compile new --year {year}` and refill.",
    ),
    "format_year_override": (
        WARNING,
        "本填报表按指定的 {format} 格式（适用于 {years} 年度）填写，但年度为 {year}，{year} 年度通常使用 {expected} 格式。已按 {format} 格式校验和生成，请确认确需使用该格式。",
        "This workbook uses the {format} format ({years}) as chosen with --format, but the year is {year}, which normally uses the {expected} format. It was checked and compiled as {format}; make sure that is intended.",
    ),
    "section_empty": (
        ERROR,
        "「{heading}」没有内容。请在「{sheet}」工作表 B 列至少填写一段正文。",
        "Section '{heading}' is empty. Write at least one paragraph in column B of sheet '{sheet}'.",
    ),
    "unknown_block_kind": (
        WARNING,
        "类型「{found}」无法识别，已按「正文」处理。可选：小标题、三级标题、正文。",
        "Type '{found}' is not known and was read as a paragraph. Choose 小标题, 三级标题 or 正文.",
    ),
    "text_mismatch": (
        WARNING,
        "文字与表格不一致：「{sentence}」写的是{phrase}，但表格中「{label}」为 {actual} 件（{table_cell}）。请核对文字或表格。",
        "Text and table disagree: '{sentence}' says {phrase}, but the table's '{label}' is {actual} ({table_cell}). Check the text or the table.",
    ),
    "text_sum_mismatch": (
        WARNING,
        "文字与表格不一致：「{sentence}」写的是「{phrase}」，即 {terms} 之和，但表格中合计为 {actual} 件（{table_cell}）。请核对文字或表格。",
        "Text and table disagree: '{sentence}' says '{phrase}', the sum of {terms}, but the table gives {actual} ({table_cell}).",
    ),
    "text_either_mismatch": (
        WARNING,
        "文字与表格不一致：「{sentence}」写的是 {stated} 件（「{phrase}」），可理解为{options}，都不相符。请核对文字或表格。",
        "Text and table disagree: '{sentence}' says {stated} ('{phrase}'), which can mean {options}; it matches neither.",
    ),
    "text_percent_mismatch": (
        WARNING,
        "百分比与表格不一致：「{sentence}」写的是「{phrase}」，但按表格 {count} 件{options}（保留一位小数）。请核对。",
        "Percentage and table disagree: '{sentence}' says '{phrase}', but from the table {count} is {options} (one decimal).",
    ),
    "problems_empty": (
        WARNING,
        "「{heading}」实质上没有内容（「{text}」，不足 {min_chars} 字或只写了「无」）。评议要求写明存在的主要问题和改进措施，请补写。",
        "'{heading}' says nothing in substance ('{text}': under {min_chars} characters or only 'none'). Reviewers expect the main problems and what is being done.",
    ),
    "rectification_missing": (
        WARNING,
        "「{heading}」（「{text}」）没有写上一年度年报所提问题的整改情况（2021 年格式要求）。请补写，如「上一年度年报所提……问题，已通过……完成整改」。",
        "'{heading}' says nothing on how last year's problems were rectified, which the 2021 format requires ('{text}').",
    ),
    "fees_not_reported": (
        WARNING,
        "收取了信息处理费（收费通知 {notices} 件，金额 {amount} 元，{amount_cell}；逾期未缴费 {unpaid} 件，{unpaid_cell}），但「{heading}」写的是「{text}」，没有报告信息处理费。请在第六部分写明收费情况。",
        "Fees were charged (notices {notices}, amount {amount}, {amount_cell}; unpaid {unpaid}, {unpaid_cell}) but '{heading}' says '{text}' and nothing on 信息处理费. Report them in section 六.",
    ),
    "fees_not_mentioned": (
        WARNING,
        "「{heading}」（「{text}」）没有写信息处理费的收取情况（2021 年格式要求，没有收取也应写明，如「本年度未收取信息处理费」）。也可填写本表的收费通知件数和收费金额（{amount_cell}）。",
        "'{heading}' says nothing on 信息处理费, which the 2021 format requires even when none was charged ('{text}'); or fill in the fee fields ({amount_cell}).",
    ),
    "fee_amount_mismatch": (
        WARNING,
        "文字与填报不一致：「{phrase}」写的是 {stated} 元，但收取信息处理费金额为 {amount} 元（{amount_cell}）。请核对。",
        "Text and fields disagree: '{phrase}' says {stated} but the fee amount is {amount} ({amount_cell}).",
    ),
    "previous_mismatch": (
        ERROR,
        "「{label}」（{column}列）为 {current}，但上一年度填报表 {file} 的「{previous_label}」为 {previous}。两者应相等，请核对。",
        "'{label}' ({column}) is {current}, but last year's workbook {file} has '{previous_label}' = {previous}. They must be equal.",
    ),
    "stock_discontinuity": (
        WARNING,
        "「{label}」现行有效件数为 {current}，按上年 {previous} + 本年制发 {added} − 本年废止 {removed} 应为 {expected}（上年：{file}）。如有修订等情况可忽略，否则请核对。",
        "'{label}' in force is {current}; last year's {previous} + {added} issued − {removed} repealed gives {expected} ({file}). Ignore if amendments explain it.",
    ),
    "text_reused": (
        WARNING,
        "「{heading}」有 {share}% 的文字与上一年度报告（{file}）相同，超过 {threshold}%{copied}。{example}评议中重复率过高会被扣分，请结合本年度工作重新撰写。",
        "'{heading}' repeats {share}% of last year's report ({file}), more than {threshold}%{copied_en}.{example_en} Evaluations deduct points for copied reports; rewrite it for this year.",
    ),
    "stale_year": (
        WARNING,
        "「{sentence}」写的是「{mention}」，而本报告为 {year} 年度：可能沿用了上一年度的文字。如指本年度，请改为 {year} 年；如确指上一年度，请写明比较关系（如「较{previous}年」）。",
        "'{sentence}' says '{mention}' but this is the {year} report: probably last year's text left in. Write {year} if this year is meant, or make the comparison explicit (e.g. 较{previous}年, compared with {previous}).",
    ),
    "figure_jump": (
        WARNING,
        "「{label}」由上年的 {previous} 变为 {current}，{how}（上年：{file}）。请核对单位和录入是否有误；如属实可忽略。",
        "'{label}' went from {previous} last year to {current} ({how_en}; last year: {file}). Check units and typing; ignore if real.",
    ),
    "previous_unusable": (
        WARNING,
        "未做跨年度核对：--previous 指定的上一年度填报表 {file} 无法使用。{detail}",
        "Cross-year checks skipped: last year's workbook {file} (--previous) is unusable. {detail}",
    ),
    "previous_invalid": (
        WARNING,
        "未做跨年度核对：上一年度填报表 {file} 本身有 {count} 个错误（第一个：{first}）。请先改正该表。",
        "Cross-year checks skipped: last year's workbook {file} has {count} error(s) itself (first: {first}).",
    ),
    "previous_held_back": (
        WARNING,
        "未做跨年度核对（与上一年度对照）：本表还有 {count} 个错误。改正后请再校验一次，届时将对照上一年度。",
        "Cross-year checks not run yet: this workbook still has {count} error(s). Check again after fixing them; last year is compared then.",
    ),
    "previous_not_last_year": (
        WARNING,
        "未做跨年度核对：--previous 指定的 {file} 是 {previous} 年度的填报表，而本表为 {year} 年度。请指定上一年度的填报表。",
        "Cross-year checks skipped: --previous {file} is for {previous}, but this workbook is for {year}. Give last year's workbook.",
    ),
    "previous_not_found": (
        WARNING,
        "未找到上一年度报告，跨年度检查未进行：{where} 中没有「{org}」{year} 年度的报告。{hint}",
        "Last year's report not found; cross-year checks not run: {where_en} has no report of {org} for {year}. {hint_en}",
    ),
    "previous_other_report": (
        ERROR,
        "--previous 指定的 {file} 是「{previous_org}」{previous_year} 年度的报告，而本表是「{org}」{year} 年度："
        "跨年度核对只能对照同一机关的上一年度（{last_year} 年度）。请指定正确的文件；机关改过名的，"
        "先用 compile archive alias 旧名 新名 登记。",
        "--previous {file} is the report of {previous_org} for {previous_year}, but this workbook is {org} for {year}: "
        "the cross-year checks compare an agency with its own last year ({last_year}). Give the right file; for a "
        "renamed agency, record the rename with `compile archive alias OLD NEW` first.",
    ),
    "reminder_left": (
        ERROR,
        "这一段仍是 compile new --from 预填的上一年度问题提示（以「{mark}」开头）。请改写为该问题的整改情况（采取的措施和效果），并删去开头的提示。",
        "This paragraph is still the reminder of last year's problem pre-filled by `compile new --from` (it starts with '{mark}'). Rewrite it as what was done about the problem.",
    ),
    "archive_missing": (
        ERROR,
        "档案文件 {path} 不存在。请先用 compile archive add 加入各机关的报告，或用 --archive 指定档案文件。",
        "The archive {path} does not exist. Add reports with `compile archive add`, or name it with --archive.",
    ),
    "archive_unreadable": (
        ERROR,
        "{path} 不是可用的年报档案（{detail}）。请用 --archive 指定正确的档案文件。",
        "{path} is not a usable archive ({detail}). Name the right archive with --archive.",
    ),
    "archive_newer": (
        ERROR,
        "档案 {path} 由更新版本的本工具写入（档案格式第 {found} 版，本版本只认识到第 {known} 版），为免误读未打开。请升级本工具。",
        "The archive {path} was written by a newer version of this tool (schema {found}; this one knows up to {known}); "
        "not opened. Upgrade the tool.",
    ),
    "archive_busy": (
        ERROR,
        "档案 {path} 正被另一个程序长时间占用，未能写入。请等它结束后重试。",
        "The archive {path} is held by another program for too long; nothing was written. Try again when it is done.",
    ),
    "line_break_in_cell": (
        WARNING,
        "单元格内有换行（Alt+Enter），已按分段处理：每一行成为报告中单独的一段（本工作表中其他这样的单元格同样处理）。请核对分段，建议每段填在单独的一行。",
        "A line break inside the cell (Alt+Enter) was read as a paragraph break: each line becomes a paragraph of the report (as in the other such cells of this sheet). Check the paragraphs; better give each its own row.",
    ),
    "formula_value_used": (
        WARNING,
        "「{label}」填的是公式（{formula}），已按文件中保存的计算结果 {value} 读取。建议直接填写数字。",
        "'{label}' holds a formula ({formula}); read as the result saved with the file, {value}. Prefer typing the number.",
    ),
    "formula_without_value": (
        ERROR,
        "「{label}」填的是公式（{formula}），文件中没有保存可用的计算结果{result}。请直接填写数字，或在 Excel/WPS 中打开并保存后重新报送。",
        "'{label}' holds a formula ({formula}) and the file has no usable result saved with it{result_en}. Type the number, or open and save the file in Excel/WPS and send it again.",
    ),
    "formula_in_text": (
        ERROR,
        "「{label}」是公式（{found}），报告无法使用公式的结果。请直接填写文字。",
        "'{label}' holds a formula ({found}); the report cannot use its result. Type the text itself.",
    ),
    "control_characters": (
        WARNING,
        "「{label}」含有不可见的控制字符（{count} 个），已删除。请检查从其他文档粘贴的文字。",
        "'{label}' contains {count} invisible control character(s); they were removed. Check text pasted from other documents.",
    ),
    "balance": (
        ERROR,
        "勾稽关系不成立（{line}）：{rule}。{left_terms} = {left}，{right_terms} = {right}，相差 {difference}。请核对这些数字。",
        "Balance does not hold in {line_en}: {rule}. {left_terms} = {left}, {right_terms} = {right}, difference {difference}. Check these figures.",
    ),
    "balance_skipped": (
        WARNING,
        "有 {count} 处勾稽关系用到了无法读取的单元格（{cells}），暂未核对。改正这些单元格后请重新校验。",
        "{count} balance check(s) use unreadable cells ({cells_en}) and were not checked. Check again after fixing those cells.",
    ),
    "total_mismatch": (
        ERROR,
        "「{label}」填写的合计 {found} 与各项之和 {expected} 不符（相差 {difference}）。请改正或改回自动合计公式。",
        "The total '{label}' is {found} but its parts add up to {expected} (difference {difference}). Correct it or restore the formula.",
    ),
    # reading a published report (compile import, compile check REPORT.docx/.html/.pdf)
    "import_title_missing": (ERROR, "没有找到报告标题（「××机关××年政府信息公开工作年度报告」），机关名称和年度未读取。", "The report's title ('<agency><year>年政府信息公开工作年度报告') was not found; the agency and year were not read."),
    "import_section_missing": (ERROR, "没有找到「{heading}」部分（按官方标题查找）。请核对报告是否缺少这一部分。", "Section '{heading}' was not found (looked for by its official heading). Check whether the report lacks it."),
    "import_heading_missing": (WARNING, "没有找到标题「{heading}」（表格已按其表头和行标签找到）。官方格式要求写明六个部分的标题。", "The heading '{heading}' was not found (its table was found by its labels). The official format wants all six headings."),
    "import_table_missing": (ERROR, "没有找到「{table}」表格（按官方表头和行标签查找），该表的数字均未读取。", "Table '{table}' was not found (looked for by its official headers and row labels); none of its figures were read."),
    "import_block_missing": (ERROR, "表二中没有找到「{block}」部分，其中的数字未读取。", "Part '{block}' of table 二 was not found; its figures were not read."),
    "import_row_missing": (ERROR, "{table}中没有找到「{label}」行，该行的数字未读取。请核对报告是否漏了这一行。", "Row '{label}' was not found in {table}; its figures were not read. Check whether the report lacks this row."),
    "import_column_missing": (ERROR, "{table}中没有找到「{label}」列，该列的数字未读取。", "Column '{label}' was not found in {table}; its figures were not read."),
    "import_row_unknown": (ERROR, "{table}中「{found}」一行有数字，但不是官方表格的行，这些数字未读取。", "The row '{found}' of {table} holds figures but is no row of the official table; they were not read."),
    "import_row_ragged": (ERROR, "{table}中「{label}」行的单元格比表头少，无法确定各数字属于哪一列，该行未读取。请核对原表格（可能是合并单元格被拆开或表格被分成了几段）。", "Row '{label}' of {table} has fewer cells than the header, so which column each figure belongs to cannot be told; the row was not read."),
    "import_row_twice": (ERROR, "{table}中「{label}」行出现了两次，且数字不同，无法确定哪一行正确。", "Row '{label}' appears twice in {table} with different figures; which is right cannot be told."),
    "import_table_unknown": (WARNING, "此表格不是官方表格（第一格为「{first}」），未读取。", "This table is none of the official tables (its first cell reads '{first}'); it was not read."),
    "import_text_skipped": (WARNING, "此处有 {count} 段文字不属于报告的各部分正文（第一段：「{first}」），未读取。", "{count} paragraph(s) here belong to no section's text (the first: '{first}'); they were not read."),
    "dash_as_zero": (WARNING, "「{label}」填写的是「{found}」，已按 0 读取。官方表格要求明确填写 0。", "'{label}' reads '{found}' and was taken as 0. The official table wants an explicit 0."),
    "pdf_unavailable": (
        WARNING,
        "未找到 LibreOffice，未生成 PDF（Word 报告已生成）。安装：sudo apt-get install libreoffice-writer-nogui "
        "fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai fonts-liberation2",
        "LibreOffice was not found, so no PDF was written (the Word report was). Install: sudo apt-get install "
        "libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai fonts-liberation2",
    ),
    "output_failed": (
        ERROR,
        "无法写入「{path}」（{detail}）。请检查输出目录是否存在、可写，以及同名文件是否被其他程序打开。",
        "Cannot write '{path}' ({detail}). Check that the folder exists and is writable and the file is not open elsewhere.",
    ),
    "pdf_failed": (
        WARNING,
        "LibreOffice 转换 PDF 失败（{detail}），Word 报告已生成。可在 Word/WPS 中打开后另存为 PDF。",
        "LibreOffice could not convert to PDF ({detail}); the Word report was written. Save it as PDF from Word/WPS.",
    ),
    # files that cannot be read at all (exit code 2)
    "file_missing": (ERROR, "找不到文件「{path}」。请检查路径。", "File '{path}' does not exist. Check the path."),
    "file_is_folder": (ERROR, "「{path}」是文件夹，不是工作簿。", "'{path}' is a folder, not a workbook."),
    "file_empty": (ERROR, "文件「{path}」是空文件（0 字节）。请重新保存或重新发送该工作簿。", "'{path}' is empty (0 bytes). Save or send the workbook again."),
    "file_too_large": (ERROR, "文件「{path}」过大（{size}），超过上限 {limit}。年报填报表通常不足 1 MB，请确认文件是否正确。", "'{path}' is too large ({size}; limit {limit}). A report workbook is normally under 1 MB."),
    "file_xls": (ERROR, "「{path}」是旧版 Excel（.xls）文件。请在 Excel/WPS 中另存为 .xlsx 后重试。", "'{path}' is an old Excel (.xls) file. Save it as .xlsx in Excel/WPS and try again."),
    "file_et": (ERROR, "「{path}」是 WPS 表格（.et）文件。请在 WPS 中另存为 .xlsx 后重试。", "'{path}' is a WPS (.et) file. Save it as .xlsx in WPS and try again."),
    "file_encrypted": (ERROR, "「{path}」设置了打开密码（已加密）。请在 Excel/WPS 中取消密码后另存为 .xlsx 再试。", "'{path}' is password-protected. Remove the password in Excel/WPS, save as .xlsx and try again."),
    "file_not_xlsx": (ERROR, "「{path}」不是 Excel 工作簿（看起来是{kind}）。请在 Excel/WPS 中另存为 .xlsx 后重试。", "'{path}' is not an Excel workbook (it looks like {kind_en}). Save it as .xlsx and try again."),
    "file_lock": (ERROR, "「{path}」是 Excel/WPS 打开工作簿时生成的临时锁定文件（以 ~$ 开头），不是填报表。请选择原工作簿。", "'{path}' is a temporary lock file Excel/WPS creates while a workbook is open (it starts with ~$), not a workbook."),
    "file_corrupt": (ERROR, "「{path}」已损坏或不完整（{detail}），无法读取。请在 Excel/WPS 中打开后另存为 .xlsx，或请对方重新发送。", "'{path}' is damaged or incomplete ({detail}). Open and re-save it as .xlsx, or ask for it again."),
    "file_unsafe": (ERROR, "「{path}」超出安全限制（{detail}），已拒绝读取。请确认文件来源，或在 Excel/WPS 中另存为 .xlsx 后重试。", "'{path}' exceeds a safety limit ({detail_en}) and was refused. Check where it came from, or re-save it as .xlsx."),
    "file_unrelated": (ERROR, "「{path}」不是年报填报表（没有找到格式标记和「基本信息」等工作表）。请使用 compile new 生成的标准填报表。", "'{path}' is not a report workbook (no marker and no standard sheets). Use the workbook made by `compile new`."),
    "file_not_report": (ERROR, "「{path}」不是可以读取的年报文件。可以读取：标准填报表（.xlsx）、数据文档（.json）、已发布的报告（.docx、网页 .html、.pdf）。", "'{path}' is not a report file we can read. Readable: the standard workbook (.xlsx), a data document (.json), a published report (.docx, web page .html, .pdf)."),
    "json_unreadable": (ERROR, "「{path}」不是有效的 JSON 数据文档（{detail}）。请使用 compile --json 生成的数据文档。", "'{path}' is not valid JSON ({detail}). Use a data document written by `compile --json`."),
    "json_not_document": (ERROR, "「{path}」不是年报数据文档（没有「format」等字段）。请使用 compile --json 生成的数据文档。", "'{path}' is not a report data document (no 'format' field). Use a data document written by `compile --json`."),
    "json_format_unknown": (ERROR, "「{path}」的格式「{format}」未知（可用：{known}）。请使用 compile --json 生成的数据文档，或升级本程序。", "The format '{format}' of '{path}' is unknown (known: {known}). Use a data document written by `compile --json`, or upgrade."),
    "json_shape": (ERROR, "「{path}」不是完整的年报数据文档（{detail}）。请使用 compile --json 生成的数据文档，不要删除其中的字段。", "'{path}' is not a complete report data document ({detail}). Use a data document written by `compile --json` without removing fields."),
    "report_not_found": (ERROR, "「{path}」中没有找到政府信息公开工作年度报告（标题、六个部分的标题和官方表格都没有找到）。", "No annual report on government information disclosure was found in '{path}' (no title, no section headings, no official tables)."),
    "file_corrupt_report": (ERROR, "「{path}」已损坏或不完整，无法读取（{detail}）。请重新保存或重新下载该文件。", "'{path}' is damaged or incomplete ({detail}). Save or download it again."),
    "pdf_no_text": (ERROR, "「{path}」是扫描件或图片（PDF 中没有文字），无法按标签读取；请使用由 Word/WPS 导出的 PDF 或原 .docx。", "'{path}' is a scan or image (the PDF holds no text) and cannot be read by its labels; use a PDF exported from Word/WPS or the .docx."),
    "format_conflict": (ERROR, "本填报表是 {format} 格式，不能按 --format {requested} 读取。请去掉 --format（将按 {format} 格式读取），或用 compile new --format {requested} 生成新表后重新填写。", "This workbook is in the {format} format and cannot be read as --format {requested}. Leave out --format (it is read as {format}), or make a new workbook with `compile new --format {requested}`."),
    "format_unknown": (ERROR, "填报表标记的格式「{format}」未知（可用：{known}）。请用本程序的 compile new 重新生成填报表，或升级本程序。", "The workbook's format '{format}' is unknown (known: {known}). Make a new workbook with `compile new` or upgrade."),
    # custom Word templates (compile template-check, compile --template)
    "template_unreadable": (ERROR, "「{path}」不是可用的 Word 模板（{detail}）。请在 Word/WPS 中另存为 .docx 后重试。", "'{path}' is not a usable Word template ({detail_en}). Save it as .docx in Word/WPS and try again."),
    "template_unsafe": (ERROR, "模板「{path}」超出安全限制（{detail}），已拒绝使用。请确认模板来源。", "Template '{path}' exceeds a safety limit ({detail_en}) and was refused. Check where it came from."),
    "template_no_tags": (ERROR, "「{path}」中没有任何模板标记（{{{{ }}}} 或 {{% %}}）：用它生成的每份报告都一模一样，不含填报表的内容。是否选成了已经生成的报告？请使用 templates/ 中的模板，或在其基础上修改。", "'{path}' holds no template tags ({{{{ }}}} or {{% %}}): every report made with it would be the same, without the workbook's content. Was an already generated report chosen? Use a template from templates/ or one edited from it."),
    "template_split_tag": (WARNING, "模板标记「{tag}」被 Word 拆成了 {count} 段文字（改格式、拼写检查或输入法造成）；生成时会自动拼合，但标记内的格式会丢失。建议删除后一次输入完整标记。", "Tag '{tag}' is split by Word into {count} runs (formatting, proofing or the IME); it is joined when rendering, but formatting inside it is lost. Retype it in one go."),
    "template_broken_tag": (ERROR, "模板标记「{tag}」跨越了{reason}，无法被正确识别。请先接受或拒绝所有修订，再删除该标记并一次输入完整。", "Tag '{tag}' crosses {reason_en} and cannot be read. Accept or reject all revisions, then delete the tag and retype it in one go."),
    "template_unclosed_tag": (ERROR, "模板标记「{tag}」没有在本段内结束（缺少「{closer}」）。每个标记必须完整地写在同一段落内。", "Tag '{tag}' does not end in its paragraph ('{closer}' missing). Each tag must be complete within one paragraph."),
    "template_hidden_tag": (ERROR, "在{place}中发现模板标记「{tag}」：Word 中看不到它，但生成时会被执行。请删除。", "Tag '{tag}' found in {place_en}: invisible in Word but executed when rendering. Remove it."),
    "template_two_paragraph_tags": (ERROR, "同一段落中有 {count} 个段落级标记（{{%p …%}}、{{{{p …}}}}、{{%tr …%}}、{{%tc …%}}），会生成损坏的文档。每个这样的标记应单独占一段。", "{count} paragraph-level tags ({{%p …%}}, {{{{p …}}}}, {{%tr …%}}, {{%tc …%}}) in one paragraph produce a corrupt document. Give each its own paragraph."),
    "template_unclosed_block": (ERROR, "「{tag}」没有对应的「{end}」。请补上结束标记。", "'{tag}' has no matching '{end}'. Add the closing tag."),
    "template_unexpected_end": (ERROR, "「{tag}」前面没有对应的开始标记（{expected}）。请删除它或补上开始标记。", "'{tag}' has no opening tag before it ({expected}). Remove it or add the opening tag."),
    "template_syntax": (ERROR, "模板标记有语法错误：{detail}", "Template syntax error: {detail}"),
    "template_unknown_variable": (ERROR, "模板使用了不存在的变量「{name}」{suggestion}。可用的变量：{known}。", "The template uses an unknown variable '{name}'{suggestion_en}. Available: {known_en}."),
    "template_unknown_attribute": (ERROR, "「{path}」不存在：这里没有「{attr}」{suggestion}。可用：{known}。", "'{path}' does not exist: there is no '{attr}'{suggestion_en}. Available: {known_en}."),
    "template_forbidden": (ERROR, "模板中不允许使用「{expr}」（{reason}）。模板只能读取报告数据，不能访问程序内部。", "'{expr}' is not allowed in a template ({reason_en}). A template may only read the report's data."),
    "template_render_failed": (ERROR, "模板「{path}」无法生成报告（{detail}）。请先用 compile template-check 检查该模板。", "Template '{path}' could not render the report ({detail_en}). Check it with `compile template-check` first."),
    "internal_error": (
        ERROR,
        "内部错误（{name}）。请把这个工作簿和本消息发给技术支持；加 --debug 可查看详细信息。",
        "Internal error ({name}). Please report it with the workbook; --debug shows details.",
    ),
    "schema": (
        ERROR,
        "数据不符合要求：{detail}",
        "Invalid data: {detail}",
    ),
    # roll-up (compile rollup)
    "rollup_invalid": (
        ERROR,
        "有 {errors} 个错误，未纳入汇总（第一个：{where} {first}）",
        "{errors} error(s); not included (first: {where} {first})",
    ),
    "rollup_other_year": (ERROR, "年度为 {year}，不是汇总年度 {expected}，未纳入汇总", "year {year} is not {expected}; not included"),
    "rollup_empty": (
        ERROR,
        "没有可以汇总的有效填报表（共 {count} 个文件）。请先用 compile check 改正错误。",
        "No valid workbook to roll up ({count} file(s)). Fix the errors first (compile check).",
    ),
    "rollup_mixed": (
        ERROR,
        "不能把不同年度或格式的填报表汇总在一起：{groups}。请只放入同一年度的填报表，或用 --year 指定汇总年度。",
        "Workbooks of different years or formats cannot be rolled up together: {groups}. Keep one year, or pick it with --year.",
    ),
    "rollup_duplicate": (
        ERROR,
        "「{org}」{year} 年度出现了两次：{first} 和 {second}。同一机关只能汇总一次，请删除其中一个后重新汇总。",
        "'{org}' {year} appears twice: {first} and {second}. Each organisation is counted once; remove one and run again.",
    ),
}

EXPECTED_EN = {"整数": "a whole number", "金额": "an amount", "整数（可为负数）": "a whole number"}


# --- the registry built from the catalogue ------------------------------------------------------


class UnknownCode(LookupError):
    """A finding was made with a code the catalogue does not have (a programming error, caught by
    the tests before any user could see it)."""


@dataclass(frozen=True)
class Message:
    """One entry of the catalogue: a stable code, its severity and its two templates.

    The templates are ``str.format`` strings. A placeholder ``{x_en}`` of the English template is
    the English form of ``{x}``; when a finding gives no ``x_en`` the value of ``x`` is used
    (``expected`` is translated through ``EXPECTED_EN``; ``suggestion`` and ``suggestion_en`` may
    be left out)."""

    code: str
    severity: str
    zh: str
    en: str

    def template(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def placeholders(self, lang: str = "zh") -> set[str]:
        return placeholders(self.template(lang))

    def render(self, params: dict, lang: str = "zh") -> str:
        values = dict(params)
        values.setdefault("expected_en", EXPECTED_EN.get(values.get("expected", ""), values.get("expected", "")))
        values.setdefault("label_en", values.get("label", ""))
        values.setdefault("suggestion", "")
        values.setdefault("suggestion_en", "")
        for key in list(values):
            values.setdefault(f"{key}_en", values[key])
        return self.template(lang).format(**values)


def placeholders(template: str) -> set[str]:
    """The names a ``str.format`` template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


MESSAGES: dict[str, Message] = {code: Message(code, *entry) for code, entry in CATALOGUE.items()}


def message_for(code: str) -> Message:
    """The catalogue entry of ``code``; UnknownCode (naming the nearest codes) when there is none."""
    try:
        return MESSAGES[code]
    except KeyError:
        import difflib  # only for a suggestion, not at every start

        close = difflib.get_close_matches(code, MESSAGES, n=3)
        raise UnknownCode(f"no message {code!r} in the catalogue" + (f" (did you mean {', '.join(close)}?)"
                                                                     if close else "")) from None


@dataclass(frozen=True)
class Finding:
    code: str
    sheet: str = ""
    cell: str = ""
    params: dict = field(default_factory=dict)
    escalated: bool = False  # a warning made an error by --strict

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            message_for(self.code)  # raises UnknownCode

    @property
    def severity(self) -> str:
        return ERROR if self.escalated else MESSAGES[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def where(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def message(self, lang: str = "zh") -> str:
        return MESSAGES[self.code].render({"sheet": self.sheet, "cell": self.cell, **self.params}, lang)

    def as_dict(self, lang: str = "zh") -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message(lang),
        }


class Reported(Protocol):
    """What a refusal carries: a finding, or another record with a code and a message (a template
    problem, which names its place in the template instead of a sheet and cell)."""

    @property
    def code(self) -> str: ...

    def message(self, lang: str = "zh") -> str: ...


class Refusal(Exception):
    """The one shape of everything that stops work before a report is made: an unusable file, a
    roll-up that cannot be done, a template that cannot be checked. It carries the finding to show
    (``Refusal("code", **params)`` or ``Refusal(finding)``); its text is the Chinese message."""

    finding: Reported

    def __init__(self, finding: Reported | str, /, **params: Any):
        self.finding = Finding(finding, params=params) if isinstance(finding, str) else finding
        super().__init__(self.finding.message())


class UnusableFile(Refusal):
    """A file that is not a workbook we can read (exit code 2)."""

    finding: Finding


def internal_error(exc: BaseException) -> Finding:
    """What a user sees of an unexpected failure: one sentence, never a traceback."""
    return Finding("internal_error", params={"name": type(exc).__name__})
