"""Where the rows and columns of a standard layout ended up after an agency inserted or deleted some.

Excel and WPS shift everything below an inserted row (and right of an inserted column), merges
included. The official labels shift with it, so they say where each row and column now is: the
rows of the layout are matched to the rows of the sheet by the labels they hold, in order (as a
diff matches lines), and the columns likewise. A line of the layout without labels of its own (a
row of figures only) moves with the nearest matched line above it. What is left over inside the
layout's span is an inserted line, which the reader reports once and skips.

Nothing here knows a format: it works on (line number → labels) sets, for rows or for columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class LineMap:
    """Layout line → sheet line (rows or columns), and the sheet lines inserted inside the layout."""

    lines: dict[int, int] = field(default_factory=dict)
    inserted: list[int] = field(default_factory=list)
    matched: set[int] = field(default_factory=set)  # layout lines found by their own labels

    def __getitem__(self, line: int) -> int:
        return self.lines.get(line, line)

    @property
    def shift(self) -> int:
        """How far the layout's first line moved (rows inserted or deleted above it)."""
        first = min(self.lines, default=0)
        return self.lines.get(first, first) - first


def align(expected: Mapping[int, frozenset[str]], actual: Mapping[int, frozenset[str]],
          span: Iterable[int]) -> LineMap:
    """Match ``expected`` lines (layout line → its labels) to ``actual`` ones (sheet line → the
    labels found on it), keeping the order and sharing as many labels as possible; among equal
    matches the one that moves least wins. ``span`` lists every layout line to place."""
    exp = sorted((line, labels) for line, labels in expected.items() if labels)
    wanted = frozenset().union(*(labels for _, labels in exp)) if exp else frozenset()
    act = sorted((line, labels & wanted) for line, labels in actual.items() if labels & wanted)
    pairs = _best_pairs(exp, act)
    result = LineMap(matched={e for e, _ in pairs})
    anchors = sorted(pairs)
    lines = sorted(set(span))
    for line in lines:
        above = [(e, a) for e, a in anchors if e <= line]
        e, a = above[-1] if above else (anchors[0] if anchors else (line, line))
        result.lines[line] = line + (a - e)
    if lines:
        used = set(result.lines.values())
        low, high = result.lines[lines[0]], result.lines[lines[-1]]
        result.inserted = [line for line in range(low, high + 1) if line not in used]
    return result


def _best_pairs(exp: list[tuple[int, frozenset[str]]], act: list[tuple[int, frozenset[str]]]) -> list[tuple[int, int]]:
    """The order-keeping matching with the most shared labels (then the least displacement)."""
    n, m = len(exp), len(act)
    if not n or not m:
        return []
    score = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            shared = len(exp[i][1] & act[j][1])
            if shared:
                best = max(best, score[i + 1][j + 1] + shared * 1000 - min(abs(exp[i][0] - act[j][0]), 999))
            score[i][j] = best
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        shared = len(exp[i][1] & act[j][1])
        if shared and score[i][j] == score[i + 1][j + 1] + shared * 1000 - min(abs(exp[i][0] - act[j][0]), 999):
            pairs.append((exp[i][0], act[j][0]))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs
