"""Where a line of Chinese may break: at word boundaries, never inside a word.

Word, WPS and LibreOffice break Chinese text between any two characters, so a narrow table cell
prints 「（四）无法提 / 供」 and a long title 「…工作年 / 度报告」. GB/T 9704-2012 7.3.1 asks for
titles whose lines keep words whole, and a reviewer reads a label cut inside a word as a mistake.
The report therefore chooses its own breaks and writes them into the document as explicit line
breaks, so every program shows the same lines.

Words are found by longest match against ``WORDS``, the vocabulary of the official tables and of
agency names. Characters outside it form runs that are never broken (place names such as 临江),
and a following level suffix (省 市 区 县 …) stays with its run. Punctuation follows the usual
rules: no line starts with 、，。）” and none ends with （“.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations, pairwise

# The words of the official table labels (both formats) and of agency names. A label with a word
# missing here still breaks only between known words or whole unknown runs, never inside a run.
WORDS = frozenset("""
政府信息 信息公开 政府 信息 公开 申请 数量 本年 本年度 上年 下年度 年度 结转 新收 继续 办理 结果
予以 部分 区分 处理 只计 这一 情形 不计 其他 不予 无法 提供 总计 属于 国家 秘密 法律 行政 法规 禁止 危及
三安全一稳定 安全 稳定 保护 第三方 合法 权益 三类 内部 事务 四类 过程性 执法 案卷 查询 事项 本机关 机关 掌握
相关 没有 现成 需要 另行 制作 补正 补正后 内容 仍不 明确 信访 举报 投诉类 投诉 重复 要求 公开出版物 出版物 无正当
理由 大量 反复 确认 或 重新 出具 已获取 获取 申请人 逾期 不补正 不再 收费 通知 缴纳 费用 未按 情况 自然人 法人
组织 商业 企业 科研 机构 社会 公益 服务 复议 诉讼 维持 纠正 尚未 审结 未经 直接 起诉 复议后 规章 规范性 文件
制发 件数 废止 现行 有效 许可 处罚 强制 决定 事业性 收费 金额 单位 万元 保留 小数 采购 项目 集中 对外 管理
总数 总数量 总金额 不掌握 新公开 新制作 第二十条 增减 增 减 上一年 勾稽 关系 本列 数据
第一项 第二项 第三项 第四项 之和 等于
人民政府 人民 委员会 办公室 办公厅 管理局 监督 市场 监督管理局 市场监督管理局 发展 改革 发展和改革委员会
教育局 教育 公安局 公安 民政局 民政 司法局 司法 财政局 财政 人力资源 社会保障 人力资源和社会保障局 自然资源
规划 生态 环境 生态环境局 住房 城乡 建设 住房和城乡建设局 交通 运输 交通运输局 水利局 水利 农业 农村
农业农村局 商务局 商务 文化 旅游 广电 体育 卫生 健康 卫生健康委员会 卫生健康局 退役 军人 事务局 应急 应急管理局
审计局 审计 国有 资产 国有资产监督管理委员会 统计局 统计 医疗 保障 医疗保障局
城市 综合 综合执法 城市管理
数据 大数据 政务 政务服务 政务服务和大数据管理局 信访局 粮食 物资 储备 林业 草原 林业局 气象局 气象 税务局 税务
海关 消防 救援 街道办事处 街道 办事处 开发区 高新区 经济 技术 开发 产业园 园区 管理委员会 管委会 工作 报告
中共 党委 委员 编制 局 厅 部 署 委 办 中心 大队 支队 中队 分局 派出所 所 站 科 处 院 法院 检察院 人民法院
人民检察院 图书馆 档案馆 档案局 档案 公共 资源 交易 交易中心 住房公积金 公积金 市场监管 自治区 自治州 自治县
特别行政区 新区 分公司 有限公司 集团 大学 学院 医院 第一 第二 第三
""".split())

# A run of unknown characters followed by one of these is a place: 临江 + 区 → 临江区.
LEVEL_SUFFIXES = frozenset("省市区县州盟旗乡镇村")
NO_LINE_START = frozenset("、，。；：！？）》」』”’%.,;:)")
NO_LINE_END = frozenset("（《「『“‘(")
_LONGEST = max(len(w) for w in WORDS)
# a break after one of these ends a unit of an agency's name, where a title may break best
STRONG_ENDINGS = ("人民政府", "委员会", "办公室", "办公厅", "办事处", "局", "厅", "部", "署", "委", "办", "中心",
                  "院", "所", "省", "市", "区", "县", "州", "盟", "旗", "乡", "镇")


def char_width(ch: str) -> float:
    """Width in full-width characters: ASCII letters and digits take half."""
    return 0.5 if ord(ch) < 0x2E80 and ch not in "“”‘’" else 1.0


def text_width(text: str) -> float:
    return sum(char_width(ch) for ch in text)


def _prefix_length(text: str) -> int:
    """Length of a leading list number: 1. / 一、 / （三） / 第二十条第（一）项 stays one piece."""
    if text[:1] == "（":
        end = text.find("）")
        if 0 < end <= 4:
            return end + 1
    i = 0
    while i < len(text) and (text[i].isdigit() or text[i] in "一二三四五六七八九十"):
        i += 1
    if i and i < len(text) and text[i] in ".、．":
        return i + 1
    return 0


def pieces_of(text: str) -> tuple[str, ...]:
    """The unbreakable pieces of ``text``; joined they give ``text`` back unchanged."""
    pieces: list[str] = []
    kinds: list[str] = []  # word | run | punct | number
    start = _prefix_length(text)
    if start:
        pieces.append(text[:start])
        kinds.append("number")
    i = start
    while i < len(text):
        ch = text[i]
        if ch.isascii() and ch.strip() and ch not in "(":
            j = i  # a run of Latin letters, digits and signs (A&B, 12.5%) is one piece
            while j < len(text) and text[j].isascii() and text[j].strip() and text[j] != "(":
                j += 1
            if j < len(text) and text[j] in "年月日":  # 2024年 is one piece
                j += 1
            pieces.append(text[i:j])
            kinds.append("ascii")
            i = j
            continue
        for size in range(min(_LONGEST, len(text) - i), 1, -1):
            if text[i:i + size] in WORDS:
                pieces.append(text[i:i + size])
                kinds.append("word")
                i += size
                break
        else:
            if ch in NO_LINE_START or ch in NO_LINE_END or not ch.strip() or ch in "/／":
                kind = "punct"
            elif ch in WORDS or ch in LEVEL_SUFFIXES:
                kind = "word"
            else:
                kind = "run"
            if kind == "run" and kinds and kinds[-1] == "run":
                pieces[-1] += ch
            elif ch in LEVEL_SUFFIXES and kinds and kinds[-1] in ("run", "ascii", "place"):
                pieces[-1] += ch  # 临江 + 区, 杭州 + 市: a place name is one piece
                kinds[-1] = "place"
            elif ch == "委" and kinds and kinds[-1] == "place":
                pieces[-1] += ch  # 区委, 市委
                kinds[-1] = "word"
            else:
                pieces.append(ch)
                kinds.append(kind)
            i += 1
    # punctuation: closing marks join the piece before them, opening marks the piece after
    out: list[str] = []
    pending = ""
    for piece in pieces:
        if piece[0] in NO_LINE_START and out:
            out[-1] += pending + piece
            pending = ""
            continue
        if piece[-1] in NO_LINE_END and len(piece) == 1:
            pending += piece
            continue
        out.append(pending + piece)
        pending = ""
    if pending:
        out.append(pending)
    return tuple(out)


# The labels and headers of the tables recur in every report: their pieces are worked out once.
# Text of one report alone (the agency's name) goes to ``pieces_of``: a cache of it would keep one
# entry per report, for thousands of reports, before its bound was reached.
tokens = lru_cache(maxsize=4096)(pieces_of)


def wrap(text: str, width: float) -> list[str]:
    """Lines of at most ``width`` characters, filled greedily and broken only between pieces.

    A piece wider than a line (a very long unknown name) is the one place a break falls inside;
    it is cut by characters rather than letting the text overflow the cell."""
    if text_width(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for piece in tokens(text):
        if text_width(line + piece) <= width:
            line += piece
            continue
        if line:
            lines.append(line)
            line = ""
        while text_width(piece) > width:
            cut = _cut(piece, width)
            lines.append(piece[:cut])
            piece = piece[cut:]
        line = piece
    if line:
        lines.append(line)
    return lines


def balanced(text: str, width: float) -> list[str]:
    """As few lines as ``wrap`` needs, with the break points chosen to make them as even as possible
    (centred headers look best when their lines are of similar length)."""
    greedy = wrap(text, width)
    pieces = tokens(text)
    count = len(greedy)
    if count == 1 or count > 4 or len(pieces) > 24:
        return greedy
    best, best_score = greedy, None
    for _cuts, lines, widths in _splits(pieces, count, width):
        score = max(widths) - min(widths)
        if best_score is None or score < best_score:
            best, best_score = lines, score
    return best


def _splits(pieces, count: int, width: float):
    """Every way of setting ``pieces`` on ``count`` lines no wider than ``width``: (cuts, lines, widths)."""
    for cuts in combinations(range(1, len(pieces)), count - 1):
        bounds = (0, *cuts, len(pieces))
        lines = ["".join(pieces[a:b]) for a, b in pairwise(bounds)]
        widths = [text_width(x) for x in lines]
        if max(widths) <= width:
            yield cuts, lines, widths


def _cut(piece: str, width: float) -> int:
    used, i = 0.0, 0
    while i < len(piece) and used + char_width(piece[i]) <= width:
        used += char_width(piece[i])
        i += 1
    return max(i, 1)


# --------------------------------------------------------------------------- the report's title

TITLE_TAIL = ("政府信息公开", "工作年度报告")
TITLE_LINE = 19.0  # characters of 2号 (22 pt) type on a line of the 156 mm text block, with a margin


def title_lines(org: str, year, width: float = TITLE_LINE) -> list[str]:
    """The report title broken at word boundaries into balanced lines (GB/T 9704-2012 7.3.1).

    Breaks fall, in order of preference, after the agency's name, after the year and before
    工作年度报告; inside a long name only between its units (临江区 | 人民政府 | 办公室). Among the
    fewest lines that fit, the most even wins, and an hourglass (a short middle line) is avoided."""
    org = org.strip()
    org_pieces = pieces_of(org) if org else ()
    pieces = [*org_pieces, f"{year}年", *TITLE_TAIL]
    strength = []  # penalty of a break after piece i (lower is better)
    org_count = len(org_pieces)
    for i, piece in enumerate(pieces[:-1]):
        if i == org_count - 1:
            strength.append(0.0)  # after the name
        elif i == org_count:
            strength.append(0.0)  # after the year
        elif i == org_count + 1:
            strength.append(1.0)  # before 工作年度报告
        elif piece.endswith(STRONG_ENDINGS):
            strength.append(1.5)
        else:
            strength.append(3.0)
    total = sum(text_width(p) for p in pieces)
    if total <= width:
        return ["".join(pieces)]
    for count in range(2, 6):
        best, best_score = None, None
        for cuts, lines, widths in _splits(pieces, count, width):
            score = (max(widths) - min(widths)) + sum(strength[c - 1] for c in cuts) * 2
            if count >= 3 and any(widths[k] < widths[k - 1] and widths[k] < widths[k + 1]
                                  for k in range(1, count - 1)):
                score += 20  # hourglass
            if best_score is None or score < best_score:
                best, best_score = lines, score
        if best is not None:
            return best
    return wrap("".join(pieces), width)
