"""A tiny, safe expression language for numerators, denominators and composite scores.

Grammar (recursive descent, never ``eval``)::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := "-" unary | atom
    atom   := NUMBER | NAME | ("min" | "max") "(" expr ("," expr)* ")" | "(" expr ")"
    NAME   := segment ("." segment)*      segment := [A-Za-z][A-Za-z0-9_]*

Names must be accepted by the caller's ``allowed`` predicate (the measure vocabulary, or a
composite's sub-rate names). Anything else — attribute tricks, other calls, strings,
indexing, ``**`` — is refused with a reason in Vietnamese.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

from kpixa.scoring.engine.i18n import _

FUNCTIONS = ("min", "max")
_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|(?P<op>[-+*/(),]))"
)


class ExpressionError(ValueError):
    """An expression that does not parse or names something it may not use."""


@dataclass(frozen=True)
class Token:
    """One lexical token: kind is ``number``, ``name``, ``op`` or ``end``."""

    kind: str
    text: str
    pos: int


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    fn: str
    args: tuple[Node, ...]


Node = Num | Ref | Neg | BinOp | Call


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, refusing any character outside the grammar."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.lastgroup is None:
            bad = text[pos:].lstrip()[:1]
            raise ExpressionError(
                _("ký tự không được phép “{char}” ở vị trí {pos}").format(char=bad, pos=pos + 1)
            )
        kind = match.lastgroup
        value = match.group(kind)
        tokens.append(Token(kind, value, match.start(kind)))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str, allowed: Callable[[str], bool]) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.allowed = allowed

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        if self.current.text != text:
            raise ExpressionError(
                _("cần “{want}” ở vị trí {pos}").format(want=text, pos=self.current.pos + 1)
            )
        self.advance()

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise ExpressionError(_("biểu thức rỗng"))
        node = self.expr()
        if self.current.kind != "end":
            raise ExpressionError(
                _("thừa “{text}” ở vị trí {pos}").format(text=self.current.text, pos=self.current.pos + 1)
            )
        return node

    def expr(self) -> Node:
        node = self.term()
        while self.current.text in ("+", "-"):
            op = self.advance().text
            node = BinOp(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.current.text in ("*", "/"):
            op = self.advance().text
            node = BinOp(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.current.text == "-":
            self.advance()
            return Neg(self.unary())
        return self.atom()

    def atom(self) -> Node:
        token = self.advance()
        if token.kind == "number":
            return Num(Decimal(token.text))
        if token.text == "(":
            node = self.expr()
            self.expect(")")
            return node
        if token.kind == "name":
            return self.name_or_call(token)
        where = token.pos + 1
        if token.kind == "end":
            raise ExpressionError(_("biểu thức kết thúc giữa chừng"))
        raise ExpressionError(_("không mong đợi “{text}” ở vị trí {pos}").format(text=token.text, pos=where))

    def name_or_call(self, token: Token) -> Node:
        if self.current.text == "(":
            if token.text not in FUNCTIONS:
                raise ExpressionError(
                    _("chỉ được gọi hàm min và max, không được gọi “{name}”").format(name=token.text)
                )
            return self.call(token.text)
        if any(part.startswith("_") for part in token.text.split(".")):
            raise ExpressionError(_("tên không hợp lệ “{name}”").format(name=token.text))
        if token.text in FUNCTIONS or not self.allowed(token.text):
            raise ExpressionError(_("đại lượng không có trong danh mục: “{name}”").format(name=token.text))
        return Ref(token.text)

    def call(self, fn: str) -> Node:
        self.expect("(")
        args = [self.expr()]
        while self.current.text == ",":
            self.advance()
            args.append(self.expr())
        self.expect(")")
        return Call(fn, tuple(args))


def _names(node: Node) -> set[str]:
    match node:
        case Ref(name):
            return {name}
        case Neg(operand):
            return _names(operand)
        case BinOp(_, left, right):
            return _names(left) | _names(right)
        case Call(_, args):
            return set().union(*(_names(a) for a in args))
    return set()


def _binop(op: str, left: Decimal, right: Decimal) -> Decimal | None:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    try:
        return left / right
    except (DivisionByZero, InvalidOperation):
        return None


def _evaluate(node: Node, env: Mapping[str, Decimal | None]) -> Decimal | None:
    """Evaluate ``node``; a missing input or a division by zero gives None (no data)."""
    match node:
        case Num(value):
            return value
        case Ref(name):
            return env.get(name)
        case Neg(operand):
            inner = _evaluate(operand, env)
            return None if inner is None else -inner
        case BinOp(op, left, right):
            a, b = _evaluate(left, env), _evaluate(right, env)
            return None if a is None or b is None else _binop(op, a, b)
        case Call(fn, args):
            values = [_evaluate(a, env) for a in args]
            if any(v is None for v in values):
                return None
            present = [v for v in values if v is not None]
            return min(present) if fn == "min" else max(present)
    return None


def _evaluate_sum(
    node: Node, env: Mapping[str, Decimal | None], part: Callable[[Decimal], Decimal]
) -> Decimal | None:
    """Evaluate ``node`` as a sum of parts, each passed through ``part`` before the adding."""
    if isinstance(node, BinOp) and node.op in "+-":
        a, b = _evaluate_sum(node.left, env, part), _evaluate_sum(node.right, env, part)
        return None if a is None or b is None else _binop(node.op, a, b)
    value = _evaluate(node, env)
    return None if value is None else part(value)


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its source text, its tree and the names it reads."""

    source: str
    tree: Node
    names: frozenset[str]

    @property
    def is_single_name(self) -> bool:
        return isinstance(self.tree, Ref)

    def evaluate(self, env: Mapping[str, Decimal | None]) -> Decimal | None:
        """Return the value over ``env``, or None when an input is missing or a division is by zero."""
        tree = self.tree
        if type(tree) is Ref:  # most numerators and denominators: one measure
            return env.get(tree.name)
        return _evaluate(tree, env)

    def evaluate_parts(
        self, env: Mapping[str, Decimal | None], part: Callable[[Decimal], Decimal]
    ) -> Decimal | None:
        """Like ``evaluate``, but each part of the outermost sum goes through ``part`` (e.g. a
        rounding) before the parts are added: ``6*A + min(2, 2.5*B)`` rounds ``6*A`` and the min."""
        return _evaluate_sum(self.tree, env, part)


def parse_expression(text: str | int | float, allowed: Callable[[str], bool]) -> Expression:
    """Parse ``text`` (a number is accepted too), checking every name with ``allowed``.

    Raises ExpressionError with a reason in Vietnamese.
    """
    source = str(text).strip()
    tree = _Parser(source, allowed).parse()
    return Expression(source, tree, frozenset(_names(tree)))
