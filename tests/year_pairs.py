"""Pairs of consecutive years built in the tests: last year is the 2024 sample of a district bureau;
this year is either the same workbook reused (only the year changed, or the year replaced in the
text too), a partly edited copy, or a report written anew with figures that follow from last
year's (carry-over, stock of documents) and text that states them correctly."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from helpers import SAMPLES, write_workbook

LAST_YEAR = json.loads((SAMPLES / "sample-2024-临江区市场监督管理局.json").read_text(encoding="utf-8"))

REWRITTEN = {
    "overview": [
        ("paragraph", "2025年，临江区市场监督管理局以优化营商环境为主线，把政务公开融入市场准入、质量安全和执法监管各环节，"
                      "推动政府信息公开工作提质增效。"),
        ("heading", "主动公开"),
        ("paragraph", "本年度在区政府门户网站市场监管专栏发布各类信息1405条。行政许可办理结果1920件、行政处罚决定380件、"
                      "行政强制决定41件按规定时限上网公示。新制定行政规范性文件3件、废止1件，现行有效14件，每件文件均配发图文解读。"),
        ("heading", "依申请公开"),
        ("paragraph", "全年新收公开申请60件，另有上年结转4件。答复中予以公开32件，部分公开5件，不予公开4件，无法提供13件，"
                      "不予处理4件，其他处理2件；结转下年度继续办理4件。"),
        ("heading", "政府信息管理"),
        ("paragraph", "修订公开前审查办法，拟公开信息由业务科室、法规科、分管领导逐级把关；完成规范性文件集中清理，"
                      "主动公开目录随机构职能调整同步更新。"),
        ("heading", "政府信息公开平台建设"),
        ("paragraph", "门户网站专栏新增信用监管、食品抽检两个子栏目，政务新媒体账号全年推送监管动态286条，查阅点增设自助查询终端。"),
        ("heading", "监督保障"),
        ("paragraph", "局党组专题研究政务公开工作1次，举办业务培训3期；本年度被申请行政复议4件、提起行政诉讼3件，未发生责任追究。"),
    ],
    "problems": [
        ("paragraph", "对照年度目标，我局仍有短板：政策解读以文字稿为主，群众关心的抽检结果解读不够深入；"
                      "个别科室依申请答复文书引用条款不够准确。"),
        ("paragraph", "下一步将组织解读专班，围绕食品抽检、价格监管制作图解和短视频；编印答复文书范本并开展案卷评查。"
                      "上一年度年报所提政策解读形式单一、答复规范性不足的问题，已通过开展解读评比、建立答复文书审核制度完成整改。"),
    ],
    "other": [
        ("paragraph", "本年度发出信息处理费收费通知1件，实际收取信息处理费200元。年度政务公开工作要点各项任务均已完成，"
                      "人大代表建议12件、政协提案9件的办理结果已全部公开。"),
    ],
}


def next_year_tables(document: dict) -> dict:
    """This year's figures, following from last year's: carry-over as carried forward, the stock
    of documents continued, ten more applications (all disclosed), other figures moved a little."""
    doc = copy.deepcopy(document)
    requests = doc["tables"]["requests"]
    requests["carried_over"] = dict(document["tables"]["requests"]["carried_forward"])
    for column, more in (("natural", 8), ("commercial", 2)):
        requests["new"][column] += more
        requests["disclosed"][column] += more
    active = doc["tables"]["active"]
    documents = active["art20_1"]["normative_documents"]
    documents["in_force"] += documents["issued"] - documents["repealed"]
    active["art20_5"]["licensing"]["decisions"] = 1920
    active["art20_6"]["penalty"]["decisions"] = 380
    active["art20_6"]["enforcement"]["decisions"] = 41
    return doc


def _this_year(document: dict) -> dict:
    doc = next_year_tables(document)
    doc["meta"]["year"] = document["meta"]["year"] + 1
    doc["meta"]["date"] = f"{doc['meta']['year'] + 1}-01-20"
    return doc


def reused() -> dict:
    """Last year's workbook with only the year cell changed."""
    return _this_year(LAST_YEAR)


def year_replaced() -> dict:
    """Last year's text with every 2024 turned into 2025: copied, but no stale year left."""
    doc = _this_year(LAST_YEAR)
    for blocks in doc["sections"].values():
        for block in blocks:
            block["text"] = block["text"].replace("2024", "2025")
    return doc


def rewritten() -> dict:
    doc = _this_year(LAST_YEAR)
    doc["sections"] = {sid: [{"kind": k, "text": t} for k, t in blocks] for sid, blocks in REWRITTEN.items()}
    return doc


def half_edited() -> dict:
    """Section 一 rewritten, 五 and 六 kept from last year (year replaced)."""
    doc = year_replaced()
    doc["sections"]["overview"] = rewritten()["sections"]["overview"]
    return doc


def write_pair(folder: Path, this_year: dict) -> tuple[Path, Path]:
    last = write_workbook(folder / "临江区市场监督管理局-2024.xlsx", LAST_YEAR)
    this = write_workbook(folder / "临江区市场监督管理局-2025.xlsx", this_year)
    return last, this
