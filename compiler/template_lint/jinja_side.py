"""The Jinja side of the template lint: block balance, syntax, and every name and attribute an
expression reaches, checked against the shape of the report context (what ``build_context`` gives
a template) and against the gadgets that lead to Python internals."""

from __future__ import annotations

import difflib
from functools import cache

from jinja2 import TemplateSyntaxError, nodes

from compiler.template_lint.problems import TemplateProblem

GADGETS = frozenset({
    "cycler", "joiner", "namespace", "lipsum", "self", "config", "request", "session", "g", "url_for",
    "get_flashed_messages", "environment", "context", "os", "sys", "builtins", "importlib", "super",
    "varargs", "kwargs", "caller",
})
SAFE_GLOBALS = frozenset({"range", "dict", "true", "false", "none", "True", "False", "None"})
FORBIDDEN_FILTERS = frozenset({"attr"})
DICT_METHODS = frozenset({"get", "items", "keys", "values"})
BLOCK_ENDS = {"for": "endfor", "if": "endif", "macro": "endmacro", "call": "endcall", "filter": "endfilter",
              "set": "endset", "with": "endwith", "block": "endblock", "autoescape": "endautoescape",
              "trans": "endtrans"}
BLOCK_MIDDLES = {"elif": ("if",), "else": ("if", "for"), "pluralize": ("trans",)}


# ---------------------------------------------------------------- what the report context holds


class _List:
    __slots__ = ("item",)

    def __init__(self, item):
        self.item = item


ANY = "any"  # shape of something we know nothing about (loop variables, filter results …)
TAINTED = "tainted"  # already reported as forbidden: what is reached through it is not reported again
LEAF = "leaf"  # a string, number or None


def _merge(a, b):
    if a is None:
        return b
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for key, value in b.items():
            out[key] = _merge(out.get(key), value)
        return out
    if isinstance(a, _List) and isinstance(b, _List):
        return _List(_merge(a.item, b.item))
    if isinstance(a, (dict, _List)):
        return a  # a value that may be None (a section's table) keeps its structure
    return b


def _shape(value):
    from compiler.render.word_tables import WordTable

    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        item = None
        for element in value:
            item = _merge(item, _shape(element))
        return _List(item if item is not None else ANY)
    if isinstance(value, WordTable):
        return {"title": LEAF}
    if value is None:
        return None
    return LEAF


@cache
def context_shape() -> dict:
    """The structure of what ``build_context`` gives a template, over every format, from a document
    with one block of each kind (so ``b.kind``, ``b.number`` and ``b.text`` are known)."""
    from compiler.document.blank import blank_document
    from compiler.formats.definition import all_formats
    from compiler.render.context import build_context
    from compiler.render.word import word_table
    from compiler.workbook.layout import NARRATIVE_KINDS

    shape: dict = {}
    for fmt in all_formats().values():
        doc = blank_document(fmt, fmt.first_year, "机关")
        doc["meta"]["date"] = f"{fmt.first_year + 1}-01-15"
        for section_id in doc["sections"]:
            doc["sections"][section_id] = [{"kind": kind, "text": "文字"} for kind in NARRATIVE_KINDS]
        shape = _merge(shape, _shape(build_context(fmt, doc, tables_as=word_table)))
    return shape


def _keys(shape) -> list[str]:
    return sorted(shape) if isinstance(shape, dict) else []


# ---------------------------------------------------------------- Jinja: blocks, syntax, names


def _environment():
    from compiler.render.word import report_environment

    return report_environment()


def lint_source(source: str, locate, problems: list) -> None:
    env = _environment()
    if not _check_blocks(env, source, locate, problems):
        return
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        problems.append(TemplateProblem("template_syntax", locate(exc.lineno or 0),
                                        {"detail": exc.message or str(exc)}))
        return
    _Walker(locate, problems).template(tree)


def _check_blocks(env, source: str, locate, problems: list) -> bool:
    """Balance of the block tags, from Jinja's own lexer; False when something is wrong."""
    stack: list[tuple[str, int]] = []
    found = len(problems)
    try:
        tokens = [t for t in env.lex(source) if t[1] != "whitespace"]
    except TemplateSyntaxError as exc:
        problems.append(TemplateProblem("template_syntax", locate(exc.lineno or 0),
                                        {"detail": exc.message or str(exc)}))
        return False
    i = 0
    while i < len(tokens):
        lineno, kind, value = tokens[i]
        if kind == "block_begin" and i + 1 < len(tokens) and tokens[i + 1][1] == "name":
            name = tokens[i + 1][2]
            j = i + 2
            inline = False
            while j < len(tokens) and tokens[j][1] != "block_end":
                inline = inline or tokens[j][1] == "assign" or (tokens[j][1] == "operator" and tokens[j][2] == "=")
                j += 1
            if name in BLOCK_ENDS and not (name == "set" and inline):
                stack.append((name, lineno))
            elif name in BLOCK_MIDDLES:
                if not stack or stack[-1][0] not in BLOCK_MIDDLES[name]:
                    problems.append(TemplateProblem("template_unexpected_end", locate(lineno), {
                        "tag": f"{{% {name} %}}", "expected": " / ".join(f"{{% {o} %}}" for o in BLOCK_MIDDLES[name])}))
            elif name.startswith("end"):
                opener = name[3:]
                if stack and stack[-1][0] == opener:
                    stack.pop()
                elif any(o == opener for o, _ in stack):  # the inner blocks were left open
                    while stack and stack[-1][0] != opener:
                        inner, line = stack.pop()
                        problems.append(TemplateProblem("template_unclosed_block", locate(line), {
                            "tag": f"{{% {inner} %}}", "end": f"{{% {BLOCK_ENDS[inner]} %}}"}))
                    stack.pop()
                else:
                    problems.append(TemplateProblem("template_unexpected_end", locate(lineno), {
                        "tag": f"{{% {name} %}}", "expected": f"{{% {opener} … %}}"}))
            i = j
        i += 1
    for name, line in stack:
        problems.append(TemplateProblem("template_unclosed_block", locate(line), {
            "tag": f"{{% {name} %}}", "end": f"{{% {BLOCK_ENDS[name]} %}}"}))
    return len(problems) == found


class _Walker:
    """Follows the template's expressions through its scopes, knowing the shape of the context."""

    def __init__(self, locate, problems: list):
        self.locate = locate
        self.problems = problems
        self.root = context_shape()
        self.scopes: list[dict] = [{}]

    # -- reporting
    def problem(self, code: str, node, **params) -> None:
        self.problems.append(TemplateProblem(code, self.locate(getattr(node, "lineno", 0) or 0), params))

    def forbidden(self, node, expr: str, reason: str, reason_en: str) -> None:
        self.problem("template_forbidden", node, expr=expr, reason=reason, reason_en=reason_en)

    # -- scopes
    def lookup(self, name: str):
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return self.root.get(name, _MISSING)

    def bind(self, target, shape) -> None:
        if isinstance(target, nodes.Name):
            if target.name.startswith("_"):
                self.forbidden(target, target.name, "以下划线开头的名称", "a name starting with '_'")
            self.scopes[-1][target.name] = shape
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, ANY)
        elif isinstance(target, nodes.NSRef):
            self.forbidden(target, f"{target.name}.{target.attr}", "namespace 对象", "namespace objects")

    def body(self, statements, scope: dict | None = None) -> None:
        self.scopes.append(dict(scope or {}))
        for statement in statements:
            self.statement(statement)
        self.scopes.pop()

    # -- statements
    def template(self, tree: nodes.Template) -> None:
        for statement in tree.body:
            self.statement(statement)

    def statement(self, node) -> None:
        if isinstance(node, nodes.For):
            item = self.expr(node.iter)
            item = item.item if isinstance(item, _List) else ANY
            self.scopes.append({"loop": ANY})
            self.bind(node.target, item)
            if node.test is not None:
                self.expr(node.test)
            for statement in node.body:
                self.statement(statement)
            self.scopes.pop()
            self.body(node.else_)
        elif isinstance(node, nodes.If):
            self.expr(node.test)
            self.body(node.body)
            for elif_ in node.elif_:
                self.statement(elif_)
            self.body(node.else_)
        elif isinstance(node, nodes.Assign):
            shape = self.expr(node.node)
            self.bind(node.target, shape)
        elif isinstance(node, nodes.AssignBlock):
            self.body(node.body)
            self.bind(node.target, LEAF)
        elif isinstance(node, nodes.With):
            scope = {}
            for target, value in zip(node.targets, node.values, strict=True):
                shape = self.expr(value)
                if isinstance(target, nodes.Name):
                    scope[target.name] = shape
            self.body(node.body, scope)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            if isinstance(node, nodes.CallBlock):
                self.expr(node.call)
            scope = {arg.name: ANY for arg in node.args}
            scope.update(caller=ANY, varargs=ANY, kwargs=ANY)
            for default in node.defaults:
                self.expr(default)
            self.body(node.body, scope)
            if isinstance(node, nodes.Macro):
                self.scopes[-1][node.name] = ANY
        elif isinstance(node, (nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)):
            self.forbidden(node, type(node).__name__.lower(), "模板不能引用其他文件",
                           "a template cannot load other files")
        elif isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child)
        elif isinstance(node, nodes.FilterBlock):
            self.filter(node.filter, None)
            self.body(node.body)
        elif isinstance(node, nodes.Block):
            self.body(node.body)
        elif isinstance(node, nodes.ExprStmt):
            self.expr(node.node)
        elif isinstance(node, nodes.Scope):
            self.body(node.body)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Stmt):
                    self.statement(child)
                elif isinstance(child, nodes.Expr):
                    self.expr(child)

    # -- expressions: return the shape of the value
    def expr(self, node):
        if isinstance(node, nodes.Name):
            return self.name(node)
        if isinstance(node, nodes.Getattr):
            return self.attribute(node, self.expr(node.node), node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.expr(node.node)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self.attribute(node, base, node.arg.value)
            self.expr(node.arg)
            return base.item if isinstance(base, _List) else ANY
        if isinstance(node, nodes.Const):
            if isinstance(node.value, str) and ("__" in node.value or node.value.startswith("_")):
                self.forbidden(node, repr(node.value), "指向程序内部的名称", "a name of program internals")
            return LEAF
        if isinstance(node, nodes.Filter):
            return self.filter(node, node.node)
        if isinstance(node, nodes.Pow):
            self.forbidden(node, "**", "乘方运算（可能耗尽资源）", "powers (a way to exhaust resources)")
        if isinstance(node, nodes.Mul):
            for side in (node.left, node.right):
                if isinstance(side, nodes.Const) and isinstance(side.value, int) and side.value > 1000:
                    self.forbidden(node, f"* {side.value}", "超大的乘法（可能耗尽资源）", "a huge repetition")
        if isinstance(node, nodes.Call):
            callee = self.expr(node.node)
            for child in (*node.args, *(k.value for k in node.kwargs), node.dyn_args, node.dyn_kwargs):
                if child is not None:
                    self.expr(child)
            return TAINTED if callee is TAINTED else ANY
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.expr(child)
            elif isinstance(child, nodes.Keyword):
                self.expr(child.value)
        return ANY if not isinstance(node, nodes.Literal) else LEAF

    def filter(self, node, target):
        if target is not None:
            base = self.expr(target)
        else:
            base = ANY
        if node.name in FORBIDDEN_FILTERS:
            self.forbidden(node, f"|{node.name}", "按名称读取属性", "reading attributes by name")
        for child in (*node.args, *(k.value for k in node.kwargs), node.dyn_args, node.dyn_kwargs):
            if child is not None:
                self.expr(child)
        if node.name in ("first", "last", "random") and isinstance(base, _List):
            return base.item
        if node.name in ("list", "sort", "reverse", "unique", "batch", "slice") and isinstance(base, _List):
            return base if node.name not in ("batch", "slice") else _List(base)
        return ANY

    def name(self, node):
        name = node.name
        if name.startswith("_"):
            self.forbidden(node, name, "以下划线开头的名称", "a name starting with '_'")
            return TAINTED
        shape = self.lookup(name)
        if shape is not _MISSING:
            return shape if shape is not None else LEAF
        if name in GADGETS:
            self.forbidden(node, name, "可被用来访问程序内部的全局对象", "a global that can reach program internals")
            return TAINTED
        if name in SAFE_GLOBALS:
            return ANY
        known = _keys(self.root)
        self.problem("template_unknown_variable", node, name=name, suggestion=_suggest(name, known),
                     suggestion_en=_suggest(name, known, "en"), known="、".join(known), known_en=", ".join(known))
        return ANY

    def attribute(self, node, base, attr: str):
        path = _expr_text(node)
        if base is TAINTED:
            return TAINTED
        if attr.startswith("_"):
            self.forbidden(node, path, "以下划线开头的属性（程序内部）", "an attribute starting with '_' (internals)")
            return TAINTED
        if isinstance(base, dict):
            if attr in base:
                shape = base[attr]
                return shape if shape is not None else LEAF
            if attr in DICT_METHODS:
                return ANY
            known = _keys(base)
            self.problem("template_unknown_attribute", node, path=path, attr=attr,
                         suggestion=_suggest(attr, known), suggestion_en=_suggest(attr, known, "en"),
                         known="、".join(known), known_en=", ".join(known))
            return ANY
        if isinstance(base, _List):
            self.problem("template_unknown_attribute", node, path=path, attr=attr, suggestion="", suggestion_en="",
                         known="（这是一个列表，请用 for 循环逐项读取）", known_en="(a list: loop over it with for)")
            return ANY
        return ANY


_MISSING = object()


def _suggest(name: str, known: list[str], lang: str = "zh") -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not close:
        return ""
    return f"（是否应为「{close[0]}」？）" if lang == "zh" else f" (did you mean '{close[0]}'?)"


def _expr_text(node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_expr_text(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg.value if isinstance(node.arg, nodes.Const) else "…"
        return f"{_expr_text(node.node)}[{arg!r}]"
    if isinstance(node, nodes.Call):
        return f"{_expr_text(node.node)}(…)"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "…"
