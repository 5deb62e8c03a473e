"""Safe expressions for structural equations and outcome formulas.

Structural equations (``"L or MD"``, ``"1 if ST == 1 else 0"``) and outcome
formulas (``"FF=1"``, ``"BS=1 and not BT=0"``) are written in a small language
that is a subset of Python expressions. The text is parsed with :mod:`ast` and
every node is checked against a whitelist; nothing is ever passed to ``eval``.

Allowed: variable names, integer and boolean literals, ``and``/``or``/``not``,
comparisons (``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, chained), ``+``, ``-``,
``*``, unary ``-``/``+``, ``A if C else B`` and calls of ``min``/``max``. A single
``=`` between two operands means equality, so ``FF=1`` is the same as ``FF == 1``.

Boolean operators and comparisons yield the integers 0 and 1, so ``L or MD``
evaluates to 1 when either is non-zero. Compiled expressions are vectorised: the
variables may be numpy arrays (one entry per intervention being evaluated), and
the result is then an integer array of the same shape.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..exceptions import DataError

__all__ = ["Expression", "ExpressionError", "parse_expression"]


class ExpressionError(DataError):
    """An expression cannot be parsed or uses a construct outside the safe language.

    Attributes
    ----------
    text:
        The expression text.
    position:
        1-based character position in ``text`` of the offending part (``None`` if unknown).
    """

    def __init__(self, message: str, text: str, position: int | None = None) -> None:
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"{message}{where} in expression {text!r}")
        self.text = text
        self.position = position
        self.reason = message


_SINGLE_EQ = re.compile(r"(?<![=<>!])=(?!=)")

_CMP = {
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
}
_BIN = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply}
_FUNCS = {"min": np.minimum, "max": np.maximum}

# A value an expression reads or computes: a Python or numpy integer (or bool), or an integer array.
Value = int | np.integer[Any] | np.bool_ | np.ndarray
Env = Mapping[str, Value]
_Fn = Callable[[Env], Value]


def _truth(v: Value) -> Value:
    return np.not_equal(v, 0)


def _as_int(v: Value) -> Value:
    if isinstance(v, np.ndarray):
        return v.astype(np.int64)
    return int(v)


@dataclass(frozen=True)
class Expression:
    """A parsed, validated expression; call :meth:`evaluate` with variable values.

    Attributes
    ----------
    text:
        The original text.
    variables:
        The variable names it reads, in order of first appearance.

    Examples
    --------
    >>> e = parse_expression("L or MD")
    >>> e.variables
    ('L', 'MD')
    >>> e.evaluate({"L": 0, "MD": 1})
    1
    >>> parse_expression("FF=1 and not L=0").evaluate({"FF": 1, "L": 1})
    1
    """

    text: str
    variables: tuple[str, ...]
    _fn: _Fn = field(repr=False, compare=False)

    def evaluate(self, values: Env) -> Value:
        """Evaluate with ``values`` (ints, or numpy integer arrays of one common shape)."""
        return _as_int(self._fn(values))

    def __str__(self) -> str:
        return self.text


def parse_expression(text: str) -> Expression:
    """Parse ``text`` into a safe, vectorised :class:`Expression`.

    Parameters
    ----------
    text:
        The expression, e.g. ``"L or MD"``, ``"FF=1"``, ``"1 if A + B >= 2 else 0"``.

    Returns
    -------
    Expression

    Raises
    ------
    ExpressionError
        On a syntax error or a construct outside the safe language; the message
        gives the 1-based position in ``text``.

    Examples
    --------
    >>> parse_expression("max(A, B) - C").evaluate({"A": 0, "B": 1, "C": 1})
    0
    >>> parse_expression("__import__('os')")
    Traceback (most recent call last):
    ...
    causalscope.actual.expressions.ExpressionError: function '__import__' is not allowed (only min, max) at position 1 in expression "__import__('os')"
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expected a string, got {type(text).__name__}", str(text))
    if not text.strip():
        raise ExpressionError("empty expression", text)
    # Map positions of the rewritten text back to the original: each '=' -> '==' shifts by one.
    rewritten_parts: list[str] = []
    back: list[int] = []
    last = 0
    for m in _SINGLE_EQ.finditer(text):
        seg = text[last : m.start()]
        rewritten_parts.append(seg)
        back.extend(range(last, m.start()))
        rewritten_parts.append("==")
        back.extend([m.start(), m.start()])
        last = m.end()
    rewritten_parts.append(text[last:])
    back.extend(range(last, len(text)))
    back.append(len(text))
    rewritten = "".join(rewritten_parts)

    def pos(node: ast.AST | None) -> int | None:
        col = getattr(node, "col_offset", None)
        if col is None or getattr(node, "lineno", 1) != 1:
            return None
        return back[min(col, len(back) - 1)] + 1

    try:
        tree = ast.parse(rewritten.strip("\n"), mode="eval")
    except SyntaxError as exc:
        col = (exc.offset or 1) - 1
        p = back[min(max(col, 0), len(back) - 1)] + 1
        raise ExpressionError(f"syntax error ({exc.msg})", text, p) from None

    names: list[str] = []

    def build(node: ast.AST) -> _Fn:
        if isinstance(node, ast.Name):
            name = node.id
            if name in ("True", "False"):  # pragma: no cover - parsed as Constant in 3.8+
                return lambda env, v=int(name == "True"): v  # type: ignore[misc]  # mypy cannot infer a lambda with a default argument
            if name not in names:
                names.append(name)
            return lambda env: env[name]
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                iv = int(v)
                return lambda env: iv
            if isinstance(v, int):
                return lambda env: v
            raise ExpressionError(f"literal {v!r} is not allowed (only integers and True/False)", text, pos(node))
        if isinstance(node, ast.BoolOp):
            parts = [build(v) for v in node.values]
            if isinstance(node.op, ast.And):

                def f_and(env: Env) -> Value:
                    out = _truth(parts[0](env))
                    for p in parts[1:]:
                        out = np.logical_and(out, _truth(p(env)))
                    return _as_int(out)

                return f_and

            def f_or(env: Env) -> Value:
                out = _truth(parts[0](env))
                for p in parts[1:]:
                    out = np.logical_or(out, _truth(p(env)))
                return _as_int(out)

            return f_or
        if isinstance(node, ast.UnaryOp):
            inner = build(node.operand)
            if isinstance(node.op, ast.Not):
                return lambda env: _as_int(np.logical_not(_truth(inner(env))))
            if isinstance(node.op, ast.USub):
                return lambda env: np.negative(inner(env))
            if isinstance(node.op, ast.UAdd):
                return inner
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed", text, pos(node))
        if isinstance(node, ast.BinOp):
            op = _BIN.get(type(node.op))
            if op is None:
                raise ExpressionError(
                    f"operator {type(node.op).__name__} is not allowed (only +, -, *)", text, pos(node)
                )
            left, right = build(node.left), build(node.right)
            return lambda env: op(left(env), right(env))
        if isinstance(node, ast.Compare):
            ops = []
            for o in node.ops:
                f = _CMP.get(type(o))
                if f is None:
                    raise ExpressionError(
                        f"comparison {type(o).__name__} is not allowed (only ==, !=, <, <=, >, >=)", text, pos(node)
                    )
                ops.append(f)
            operands = [build(node.left), *(build(c) for c in node.comparators)]

            def f_cmp(env: Env) -> Value:
                vals = [o(env) for o in operands]
                out = ops[0](vals[0], vals[1])
                for k in range(1, len(ops)):
                    out = np.logical_and(out, ops[k](vals[k], vals[k + 1]))
                return _as_int(out)

            return f_cmp
        if isinstance(node, ast.IfExp):
            cond, a, b = build(node.test), build(node.body), build(node.orelse)

            def f_if(env: Env) -> Value:
                c = _truth(cond(env))
                if isinstance(c, np.ndarray):
                    return np.where(c, a(env), b(env))
                return a(env) if c else b(env)

            return f_if
        if isinstance(node, ast.Call):
            fname = node.func.id if isinstance(node.func, ast.Name) else None
            if fname not in _FUNCS:
                shown = fname if fname is not None else ast.unparse(node.func)
                raise ExpressionError(f"function {shown!r} is not allowed (only min, max)", text, pos(node))
            if node.keywords or not node.args:
                raise ExpressionError(f"{fname}() takes one or more positional arguments", text, pos(node))
            args = [build(a) for a in node.args]
            red = _FUNCS[fname]

            def f_call(env: Env) -> Value:
                out = args[0](env)
                for a in args[1:]:
                    out = red(out, a(env))
                return out

            return f_call
        raise ExpressionError(f"{type(node).__name__} is not allowed", text, pos(node))

    fn = build(tree.body)
    return Expression(text=text, variables=tuple(names), _fn=fn)
