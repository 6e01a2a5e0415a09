"""Builds samples/: the seed report as a filled 2019-format workbook, a filled 2021-format workbook,
and the blank workbooks of both formats, each beside the data document it was made from.

    python tools/build_samples.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compiler.document.blank import blank_document, with_values  # noqa: E402
from compiler.formats.definition import get_format  # noqa: E402
from compiler.workbook.writer import save_workbook  # noqa: E402

P, H = "paragraph", "heading"


def seed_2020() -> dict:
    """The seed report (a district 政务服务大数据管理局, 2020), sentence for sentence."""
    fmt = get_format("2019")
    doc = blank_document(fmt, 2020, "政务服务大数据管理局")
    doc["sections"]["overview"] = [
        {"kind": P, "text": "2020年，根据区政府信息公开工作的部署要求，我局认真学习贯彻《中华人民共和国政府信息公开条例》精神，围绕区委、区政府工作要求，按照“统筹规划、整合资源、信息共享、业务协同”的原则，围绕“行为规范、运转安全、公开透明、廉洁高效”的目标，健全组织机构，明确职责分工，丰富公开形式，突出重点内容，扎实做好我局政府信息公开工作。"},
        {"kind": H, "text": "加强组织领导"},
        {"kind": P, "text": "建立健全了政务公开工作机构，成立政务公开工作领导小组，落实具体工作人员1名，确保政务公开工作有专人负责处理。"},
        {"kind": H, "text": "加强制度保障"},
        {"kind": P, "text": "2020年我局进一步健全完善政务公开工作制度，以制度保障工作有序开展。研究制订了依申请政务公开制度、政务公开政策解读制度、政务舆情制度、政务公开考核评议制度、公开保密审查等制度。规范了信息采集整理、上网审签、上网发布等工作流程，保障了政务公开工作的顺利推进。"},
        {"kind": H, "text": "主动公开政务信息情况"},
        {"kind": P, "text": "2020年，按照《中华人民共和国政府信息公开条例》规定，我局主动公开的信息有政务服务和大数据工作职能、简介、信息、工作动态、财务预决算、全区政务服务事项办事指南、流程、法律依据、时限、中介服务事项、政务服务有关的办事制度、服务规范、管理制度等内容。依托区政府门户网站和政务一体化服务网站，推进网上政务公开。开设政务公开、网上办事、文件下载、网上投诉监督等专栏，将公开信息编制公开目录，逐一上网发布。同时，在政务服务中心开辟专门区域，推动线下政务公开。截至2020年12月31日，我局共计主动公开信息10余条。"},
        {"kind": H, "text": "其他信息公开情况"},
        {"kind": P, "text": "2020年，我局未收到依申请公开或“不予公开”的政务信息，未发生涉及政务公开的行政复议、行政诉讼、政务公开收费问题和举报投诉情况。"},
    ]
    doc["sections"]["problems"] = [
        {"kind": P, "text": "2021年我局将继续积极安排人员参加培训,同时加强信息公开工作,及时公开局政务信息;加大信息公开力度,对确定公开的信息,及时在网上向社会公告,进一步加强政务服务政策的解读,使广大人民群众及时了解我局工作情况,通过社会监督机制促进我局工作更好开展。"},
    ]
    doc["sections"]["other"] = [{"kind": P, "text": "无其他需要报告的事项。"}]
    return with_values(doc, "active", {"art20_9": {"central_procurement": {"projects": 4, "amount": 1075.178}}})


def district_2024() -> dict:
    """A plausible district bureau's 2024 report: every table has figures and every rule holds."""
    fmt = get_format("2021")
    doc = blank_document(fmt, 2024, "临江区市场监督管理局")
    doc["meta"]["date"] = "2025-01-20"
    doc["meta"]["contact"] = "临江区市场监督管理局办公室，电话 0000-12345678"
    doc["sections"]["overview"] = [
        {"kind": P, "text": "2024年，临江区市场监督管理局坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，围绕市场监管中心工作，持续深化政府信息公开，不断提升政务公开标准化规范化水平。"},
        {"kind": H, "text": "主动公开"},
        {"kind": P, "text": "全年通过区政府门户网站市场监管专栏主动公开政府信息1260条，其中行政许可信息1856件次、行政处罚决定412件、行政强制决定37件，均在作出决定之日起7个工作日内公开。制发行政规范性文件3件，废止1件，现行有效12件，均按要求同步发布政策解读。"},
        {"kind": H, "text": "依申请公开"},
        {"kind": P, "text": "全年共收到政府信息公开申请50件，上年结转4件。办理结果为：予以公开22件，部分公开5件，不予公开4件，无法提供13件，不予处理4件，其他处理2件；结转下年度继续办理4件。所有申请均在法定期限内答复。"},
        {"kind": H, "text": "政府信息管理"},
        {"kind": P, "text": "严格执行公开前保密审查和合法性审查制度，对拟公开信息实行“三审三校”。开展行政规范性文件清理，及时更新现行有效文件目录，动态调整主动公开基本目录。"},
        {"kind": H, "text": "政府信息公开平台建设"},
        {"kind": P, "text": "依托区政府门户网站政府信息公开专栏集中发布信息，优化“双随机、一公开”监管结果公示栏目，在政务服务中心设置政府信息查阅点，方便群众就近查阅。"},
        {"kind": H, "text": "监督保障"},
        {"kind": P, "text": "将政务公开工作纳入年度绩效考核，组织业务培训2次，全年未发生因政府信息公开工作引发的责任追究情况。因政府信息公开被申请行政复议4件、提起行政诉讼3件。"},
    ]
    doc["sections"]["problems"] = [
        {"kind": P, "text": "2024年，我局政府信息公开工作取得一定成效，但仍存在一些不足：一是政策解读形式较为单一，图解、视频等解读方式运用不多；二是依申请公开答复的规范性有待进一步提高。"},
        {"kind": P, "text": "针对上述问题，我局将丰富政策解读形式，提高图解、视频解读比例；加强依申请公开业务培训，规范答复文书，提升办理质量。上一年度年报所提“基层站所公开不够及时”的问题，已通过建立站所信息报送台账完成整改。"},
    ]
    doc["sections"]["other"] = [
        {"kind": P, "text": "本年度按照《政府信息公开信息处理费管理办法》收取信息处理费。全年认真落实年度政务公开工作要点，人大代表建议和政协提案办理结果均已按要求公开。"},
    ]
    doc["fields"] = {"fee_notices": 1, "fee_collected": 200.0}
    doc = with_values(doc, "active", {
        "art20_1": {"normative_documents": {"issued": 3, "repealed": 1, "in_force": 12}},
        "art20_5": {"licensing": {"decisions": 1856}},
        "art20_6": {"penalty": {"decisions": 412}, "enforcement": {"decisions": 37}},
        "art20_8": {"admin_fees": {"fee_amount": 12.3456}},
    })
    doc = with_values(doc, "requests", {
        "new": {"natural": 38, "commercial": 9, "nonprofit": 1, "legal_service": 2},
        "carried_over": {"natural": 3, "commercial": 1},
        "disclosed": {"natural": 15, "commercial": 5, "nonprofit": 1, "legal_service": 1},
        "partly_disclosed": {"natural": 4, "commercial": 1},
        "withheld_third_party": {"natural": 2, "commercial": 1},
        "withheld_process": {"natural": 1},
        "unavailable_not_held": {"natural": 9, "commercial": 2, "legal_service": 1},
        "unavailable_unclear": {"natural": 1},
        "rejected_petition": {"natural": 3},
        "rejected_repeated": {"natural": 1},
        "other_no_correction": {"natural": 1},
        "other_other": {"natural": 1},
        "carried_forward": {"natural": 3, "commercial": 1},
    })
    return with_values(doc, "review", {"cases": {
        "review_upheld": 2, "review_corrected": 1, "review_pending": 1,
        "direct_upheld": 1, "direct_other": 1,
        "after_upheld": 1,
    }})


def main() -> None:
    out = ROOT / "samples"
    out.mkdir(exist_ok=True)
    for name, doc in (("seed-2020-政务服务大数据管理局", seed_2020()), ("sample-2024-临江区市场监督管理局", district_2024())):
        fmt = get_format(doc["format"])
        (out / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        save_workbook(fmt, doc["meta"]["year"], out / f"{name}.xlsx", document=doc)
        print(out / f"{name}.xlsx")
    for format_id, year in (("2019", 2020), ("2021", 2025)):
        path = out / f"blank-{format_id}.xlsx"
        save_workbook(get_format(format_id), year, path)
        print(path)


if __name__ == "__main__":
    main()
