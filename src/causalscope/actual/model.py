"""Deterministic structural causal models with finite domains.

Actual causation (Halpern and Pearl) is defined on a *causal setting* ``(M, u)``: a
structural model ``M`` whose exogenous variables ``U`` are set to a *context* ``u``.
Every endogenous variable ``V`` has a finite domain and a structural equation
``V = f_V(parents)`` over other variables; given ``u`` (and possibly an
intervention ``X <- x`` that replaces the equations of ``X`` by constants) the
values of all endogenous variables follow deterministically, in topological order.
Equations may not form a cycle (recursive models only).

:class:`CausalModel` holds such a model. Equations are safe expressions
(:mod:`causalscope.actual.expressions`) or Python callables with declared
parents. Models are read from YAML::

    name: forest fire (disjunctive)
    exogenous:
      UL: [0, 1]
      UMD: [0, 1]
    endogenous:
      L: {domain: [0, 1], equation: "UL"}
      MD: "UMD"                 # shorthand: binary domain [0, 1]
      FF: {domain: [0, 1], equation: "L or MD"}
    context: {UL: 1, UMD: 1}    # optional default context
    outcome: "FF=1"             # optional default outcome

Domains are lists of integers. Invalid files raise :class:`ModelError` (or
:class:`CyclicModelError` for cyclic equations) whose message names the variable
and the line of the file.

Many interventions can be evaluated at once (:meth:`CausalModel.evaluate_batch`):
each row of a value array and a mask array is one intervention, and every equation
is evaluated once over all rows with numpy.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import DataError, GraphError, InvalidParameterError
from ..graphs import DAG
from .expressions import Expression, ExpressionError, parse_expression

__all__ = [
    "CausalModel",
    "Endogenous",
    "ModelError",
    "CyclicModelError",
    "parse_assignment",
    "load_model",
]

_STATIC_CHECK_LIMIT = 1 << 16


class ModelError(DataError):
    """A causal model (or model file) is invalid; ``line`` is the 1-based line in the file if known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line


class CyclicModelError(GraphError):
    """The structural equations form a directed cycle (only recursive models are supported)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line


@dataclass(frozen=True)
class Endogenous:
    """One endogenous variable: its finite domain, parents and structural equation.

    Attributes
    ----------
    name:
        The variable name.
    domain:
        The allowed integer values.
    parents:
        The variables its equation reads.
    equation:
        A parsed :class:`~causalscope.actual.expressions.Expression` or a callable taking
        the parents as keyword arguments (ints, or numpy arrays when vectorised).
    line:
        Line in the model file where it is defined (``None`` if built in code).
    """

    name: str
    domain: tuple[int, ...]
    parents: tuple[str, ...]
    equation: Expression | Callable[..., Any] = field(compare=False)
    line: int | None = field(default=None, compare=False)

    @property
    def text(self) -> str:
        """The equation as text (the expression, or the callable's name)."""
        if isinstance(self.equation, Expression):
            return self.equation.text
        return getattr(self.equation, "__name__", repr(self.equation))


def _domain(values: object, var: str, line: int | None) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ModelError(f"domain of {var!r} must be a list of integers, got {values!r}", line)
    out: list[int] = []
    for v in values:
        if isinstance(v, bool):
            v = int(v)
        if isinstance(v, (int, np.integer)):
            out.append(int(v))
        else:
            raise ModelError(f"domain of {var!r} must hold integers, got {v!r} ({type(v).__name__})", line)
    if not out:
        raise ModelError(f"domain of {var!r} is empty", line)
    if len(set(out)) != len(out):
        raise ModelError(f"domain of {var!r} has repeated values: {out}", line)
    return tuple(out)


def parse_assignment(text: str | Mapping[str, int] | None, *, parameter: str = "context") -> dict[str, int]:
    """Parse ``"U1=1, U2=0"`` (or a mapping) into ``{"U1": 1, "U2": 0}``.

    Examples
    --------
    >>> parse_assignment("UL=1, UMD=0")
    {'UL': 1, 'UMD': 0}
    """
    if text is None:
        return {}
    if isinstance(text, Mapping):
        out = {}
        for k, v in text.items():
            if isinstance(v, bool):
                v = int(v)
            if not isinstance(v, (int, np.integer)):
                raise InvalidParameterError(f"{parameter}: value of {k!r} must be an integer, got {v!r}")
            out[str(k)] = int(v)
        return out
    out = {}
    for part in str(text).replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip().lstrip("=").strip()
        if not sep or not name or not value:
            raise InvalidParameterError(f"{parameter}: expected NAME=VALUE pairs separated by commas, got {part!r}")
        try:
            out[name] = int(value)
        except ValueError:
            if value.lower() in ("true", "false"):
                out[name] = int(value.lower() == "true")
            else:
                raise InvalidParameterError(
                    f"{parameter}: value of {name!r} must be an integer, got {value!r}"
                ) from None
    return out


class CausalModel:
    """A recursive structural model with finite domains (deterministic given a context).

    Parameters
    ----------
    exogenous:
        ``{name: domain}`` of the exogenous variables.
    endogenous:
        ``{name: spec}``; a spec is an expression string (binary domain ``[0, 1]``), a
        mapping with ``equation`` (expression string, or callable with ``parents``) and
        optional ``domain``, or an :class:`Endogenous`.
    name:
        A label for the model.
    context, outcome:
        Optional defaults (used by the CLI and the shipped examples).
    check_domains:
        Evaluate every expression over all parent values (when at most 65,536
        combinations) and fail if a value falls outside the variable's domain.

    Raises
    ------
    ModelError
        An undefined variable, an invalid domain or expression, a value outside a domain.
    CyclicModelError
        The equations form a directed cycle.

    Examples
    --------
    >>> m = CausalModel({"UL": [0, 1], "UMD": [0, 1]},
    ...                 {"L": "UL", "MD": "UMD", "FF": "L and MD"})
    >>> m.evaluate({"UL": 1, "UMD": 1})
    {'L': 1, 'MD': 1, 'FF': 1}
    >>> m.evaluate({"UL": 1, "UMD": 1}, {"L": 0})["FF"]
    0
    """

    def __init__(
        self,
        exogenous: Mapping[str, Sequence[int]],
        endogenous: Mapping[str, Any],
        *,
        name: str = "",
        context: Mapping[str, int] | None = None,
        outcome: str | None = None,
        description: str = "",
        check_domains: bool = True,
        _lines: Mapping[str, int] | None = None,
    ) -> None:
        lines = dict(_lines or {})
        self.name = name
        self.description = description
        self.exogenous: dict[str, tuple[int, ...]] = {}
        for u, dom in exogenous.items():
            self._check_name(u, lines.get(u))
            self.exogenous[u] = _domain(dom, u, lines.get(u))
        specs: dict[str, Endogenous] = {}
        for v, spec in endogenous.items():
            line = lines.get(v)
            self._check_name(v, line)
            if v in self.exogenous:
                raise ModelError(f"variable {v!r} is declared both exogenous and endogenous", line)
            specs[v] = self._make_endogenous(v, spec, line)
        if not specs:
            raise ModelError("a model needs at least one endogenous variable")
        known = set(self.exogenous) | set(specs)
        for v, e in specs.items():
            for p in e.parents:
                if p not in known:
                    raise ModelError(f"equation of {v!r} uses undefined variable {p!r}", e.line)
                if p == v:
                    raise CyclicModelError(f"equation of {v!r} uses {v!r} itself (cyclic equations)", e.line)
        self._order = self._topological(specs)
        self.variables: dict[str, Endogenous] = {v: specs[v] for v in self._order}
        self.index = {v: i for i, v in enumerate(self._order)}
        self.context = parse_assignment(context) if context is not None else None
        self.outcome = outcome
        if check_domains:
            self._check_domains()
        if self.context is not None:
            self.check_context(self.context)

    # ------------------------------------------------------------------ construction
    @staticmethod
    def _check_name(name: object, line: int | None) -> None:
        if not isinstance(name, str) or not name.isidentifier() or name in ("and", "or", "not", "if", "else"):
            raise ModelError(f"variable name {name!r} is not a valid identifier", line)

    @staticmethod
    def _make_endogenous(v: str, spec: Any, line: int | None) -> Endogenous:
        if isinstance(spec, Endogenous):
            return spec
        domain: object = (0, 1)
        parents = None
        if isinstance(spec, str) or callable(spec):
            equation = spec
        elif isinstance(spec, Mapping):
            unknown = set(spec) - {"domain", "equation", "parents", "description"}
            if unknown:
                raise ModelError(f"variable {v!r} has unknown keys {sorted(unknown)} (expected domain, equation)", line)
            if "equation" not in spec:
                raise ModelError(f"variable {v!r} has no 'equation'", line)
            equation = spec["equation"]
            domain = spec.get("domain", (0, 1))
            parents = spec.get("parents")
        else:
            raise ModelError(f"variable {v!r}: expected an equation string or a mapping, got {spec!r}", line)
        if isinstance(equation, bool):
            equation = str(int(equation))
        if isinstance(equation, (int, np.integer)):
            equation = str(int(equation))
        dom = _domain(domain, v, line)
        if isinstance(equation, str):
            try:
                expr = parse_expression(equation)
            except ExpressionError as exc:
                raise ModelError(f"equation of {v!r}: {exc}", line) from None
            return Endogenous(v, dom, expr.variables, expr, line)
        if callable(equation):
            if parents is None:
                raise ModelError(f"variable {v!r}: a callable equation needs 'parents'", line)
            return Endogenous(v, dom, tuple(parents), equation, line)
        raise ModelError(f"equation of {v!r} must be a string or callable, got {equation!r}", line)

    @staticmethod
    def _topological(specs: Mapping[str, Endogenous]) -> tuple[str, ...]:
        indeg = {v: sum(1 for p in e.parents if p in specs) for v, e in specs.items()}
        children: dict[str, list[str]] = {v: [] for v in specs}
        for v, e in specs.items():
            for p in e.parents:
                if p in specs:
                    children[p].append(v)
        ready = [v for v in specs if indeg[v] == 0]
        order: list[str] = []
        while ready:
            v = ready.pop(0)
            order.append(v)
            for c in children[v]:
                indeg[c] -= 1
                if indeg[c] == 0:
                    ready.append(c)
        if len(order) < len(specs):
            left = {v for v in specs if v not in order}
            # Walk parents inside the remainder until a node repeats: that is a cycle.
            start = next(v for v in specs if v in left)
            path = [start]
            while True:
                nxt = next(p for p in specs[path[-1]].parents if p in left)
                if nxt in path:
                    cyc = path[path.index(nxt) :] + [nxt]
                    cyc.reverse()
                    break
                path.append(nxt)
            first = specs[cyc[0]]
            raise CyclicModelError(
                f"cyclic equations: {' -> '.join(cyc)} (variable {cyc[0]!r}); only recursive models are supported",
                first.line,
            )
        return tuple(order)

    def _parent_domains(self, e: Endogenous) -> list[tuple[int, ...]]:
        return [self.exogenous[p] if p in self.exogenous else self.variables[p].domain for p in e.parents]

    def _check_domains(self) -> None:
        for v, e in self.variables.items():
            doms = self._parent_domains(e)
            n = int(np.prod([len(d) for d in doms])) if doms else 1
            if n > _STATIC_CHECK_LIMIT:
                continue
            if doms:
                grid = np.array(list(itertools.product(*doms)), dtype=np.int64).reshape(n, len(doms))
                env = {p: grid[:, k] for k, p in enumerate(e.parents)}
            else:
                env = {}
            vals = np.broadcast_to(np.asarray(self._apply(e, env, n)), (n,))
            bad = ~np.isin(vals, e.domain)
            if bad.any():
                k = int(np.argmax(bad))
                where = ", ".join(f"{p}={int(env[p][k])}" for p in e.parents)
                raise ModelError(
                    f"equation of {v!r} gives {int(vals[k])}, outside its domain {list(e.domain)}"
                    + (f" when {where}" if where else ""),
                    e.line,
                )

    # ------------------------------------------------------------------ structure
    @property
    def endogenous(self) -> tuple[str, ...]:
        """Endogenous variable names in topological order."""
        return self._order

    def domain(self, name: str) -> tuple[int, ...]:
        """The domain of a (exogenous or endogenous) variable."""
        if name in self.variables:
            return self.variables[name].domain
        if name in self.exogenous:
            return self.exogenous[name]
        raise InvalidParameterError(f"unknown variable {name!r}; the model has {', '.join(self._order)}")

    def parents(self, name: str) -> tuple[str, ...]:
        """The variables in the equation of ``name``."""
        self.domain(name)
        return self.variables[name].parents if name in self.variables else ()

    def graph(self, *, include_exogenous: bool = False) -> DAG:
        """The causal graph: an edge ``P --> V`` for every variable ``P`` in the equation of ``V``."""
        nodes = (list(self.exogenous) if include_exogenous else []) + list(self._order)
        edges = [
            (p, v)
            for v, e in self.variables.items()
            for p in e.parents
            if include_exogenous or p in self.variables
        ]
        return DAG(nodes=nodes, edges=edges)

    @property
    def _dag(self) -> DAG:
        g = self.__dict__.get("_dag_cache")
        if g is None:
            g = self.graph()
            self.__dict__["_dag_cache"] = g
        return g

    def ancestors(self, names: Iterable[str], *, include_self: bool = True) -> frozenset[str]:
        """Endogenous ancestors of ``names``."""
        return self._dag.ancestors(list(names), include_self=include_self)

    def descendants(self, names: Iterable[str], *, include_self: bool = True) -> frozenset[str]:
        """Endogenous descendants of ``names``."""
        return self._dag.descendants(list(names), include_self=include_self)

    # ------------------------------------------------------------------ evaluation
    def check_context(self, context: Mapping[str, int] | str) -> dict[str, int]:
        """Validate a context: every exogenous variable set, to a value in its domain."""
        ctx = parse_assignment(context)
        for k, v in ctx.items():
            if k not in self.exogenous:
                raise InvalidParameterError(
                    f"context sets {k!r}, which is not an exogenous variable "
                    f"(exogenous: {', '.join(self.exogenous) or 'none'})"
                )
            if v not in self.exogenous[k]:
                raise InvalidParameterError(
                    f"context sets {k}={v}, outside its domain {list(self.exogenous[k])}"
                )
        missing = [u for u in self.exogenous if u not in ctx]
        if missing:
            raise InvalidParameterError(f"context does not set the exogenous variable(s) {', '.join(missing)}")
        return ctx

    def check_intervention(self, intervention: Mapping[str, int] | str, *, parameter: str = "intervention") -> dict[str, int]:
        """Validate an assignment of endogenous variables to values in their domains."""
        out = parse_assignment(intervention, parameter=parameter)
        for k, v in out.items():
            if k not in self.variables:
                raise InvalidParameterError(
                    f"{parameter} sets {k!r}, which is not an endogenous variable "
                    f"(endogenous: {', '.join(self._order)})"
                )
            if v not in self.variables[k].domain:
                raise InvalidParameterError(
                    f"{parameter} sets {k}={v}, outside its domain {list(self.variables[k].domain)}"
                )
        return out

    def _apply(self, e: Endogenous, env: Mapping[str, Any], n: int) -> Any:
        if isinstance(e.equation, Expression):
            return e.equation.evaluate(env)
        args = {p: env[p] for p in e.parents}
        try:
            out = e.equation(**args)
            arr = np.asarray(out)
            if arr.shape in ((), (n,)) and np.issubdtype(arr.dtype, np.number) | (arr.dtype == bool):
                return arr.astype(np.int64)
        except Exception:  # noqa: BLE001 - a scalar-only callable: fall back to one call per row
            pass
        if n == 1 and all(np.ndim(a) == 0 for a in args.values()):
            return int(e.equation(**args))  # pragma: no cover - reached only if the vector call failed
        cols = {p: np.broadcast_to(np.asarray(a), (n,)) for p, a in args.items()}
        return np.array(
            [int(e.equation(**{p: int(c[i]) for p, c in cols.items()})) for i in range(n)], dtype=np.int64
        )

    def evaluate_batch(self, context: Mapping[str, int], values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Solve the model under many interventions at once.

        Parameters
        ----------
        context:
            The exogenous values (validated by :meth:`check_context`).
        values, mask:
            Integer and boolean arrays of shape ``(n, len(endogenous))``; row ``i``
            sets variable ``j`` to ``values[i, j]`` where ``mask[i, j]`` is true.

        Returns
        -------
        numpy.ndarray
            ``(n, len(endogenous))`` values of the endogenous variables, columns in
            :attr:`endogenous` order.
        """
        values = np.asarray(values, dtype=np.int64)
        mask = np.asarray(mask, dtype=bool)
        n = values.shape[0]
        out = np.empty((n, len(self._order)), dtype=np.int64)
        env: dict[str, Any] = dict(context)
        for j, v in enumerate(self._order):
            e = self.variables[v]
            col_mask = mask[:, j]
            if col_mask.all():
                col = values[:, j]
            else:
                col = np.broadcast_to(np.asarray(self._apply(e, env, n), dtype=np.int64), (n,))
                if col_mask.any():
                    col = np.where(col_mask, values[:, j], col)
            out[:, j] = col
            env[v] = out[:, j]
        return out

    def evaluate(self, context: Mapping[str, int] | str, intervention: Mapping[str, int] | str | None = None) -> dict[str, int]:
        """Values of the endogenous variables in context ``u`` under ``do(intervention)``."""
        ctx = self.check_context(context)
        iv = self.check_intervention(intervention or {})
        vals = np.zeros((1, len(self._order)), dtype=np.int64)
        mask = np.zeros((1, len(self._order)), dtype=bool)
        for k, v in iv.items():
            vals[0, self.index[k]] = v
            mask[0, self.index[k]] = True
        row = self.evaluate_batch(ctx, vals, mask)[0]
        out = {v: int(row[j]) for j, v in enumerate(self._order)}
        for v, val in out.items():  # type: ignore[assignment]  # mypy: v is reused (a value in the loop above, a name here)
            if val not in self.variables[v].domain:  # type: ignore[index]  # as above
                raise ModelError(
                    f"equation of {v!r} gives {val}, outside its domain {list(self.variables[v].domain)}",  # type: ignore[index]  # as above
                    self.variables[v].line,  # type: ignore[index]  # as above
                )
        return out

    def intervene(self, intervention: Mapping[str, int] | str) -> CausalModel:
        """The model ``M_{X<-x}``: the equations of ``X`` replaced by the constants ``x``."""
        iv = self.check_intervention(intervention)
        specs: dict[str, Any] = {}
        for v, e in self.variables.items():
            if v in iv:
                expr = parse_expression(str(iv[v]))
                specs[v] = Endogenous(v, e.domain, (), expr, e.line)
            else:
                specs[v] = e
        return CausalModel(
            self.exogenous, specs, name=self.name, context=self.context, outcome=self.outcome,
            description=self.description, check_domains=False,
        )

    def __repr__(self) -> str:
        eqs = "; ".join(f"{v} = {e.text}" for v, e in self.variables.items())
        label = f"{self.name!r}, " if self.name else ""
        return f"CausalModel({label}exogenous={list(self.exogenous)}, {eqs})"

    # ------------------------------------------------------------------ files
    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], *, _lines: Mapping[str, int] | None = None) -> CausalModel:
        """Build a model from the mapping of a model file (see the module docstring)."""
        if not isinstance(spec, Mapping):
            raise ModelError(f"a model must be a mapping with 'exogenous' and 'endogenous', got {type(spec).__name__}")
        unknown = set(spec) - {"name", "description", "exogenous", "endogenous", "context", "outcome", "expected", "source"}
        if unknown:
            raise ModelError(f"unknown top-level keys {sorted(unknown)} (expected exogenous, endogenous, ...)")
        if "endogenous" not in spec:
            raise ModelError("the model has no 'endogenous' section")
        exo = spec.get("exogenous") or {}
        endo = spec["endogenous"]
        if not isinstance(exo, Mapping):
            raise ModelError("'exogenous' must map names to domains")
        if not isinstance(endo, Mapping):
            raise ModelError("'endogenous' must map names to equations")
        context = spec.get("context")
        if context is not None and not isinstance(context, Mapping):
            context = parse_assignment(str(context))
        outcome = spec.get("outcome")
        return cls(
            exo, endo, name=str(spec.get("name", "")), description=str(spec.get("description", "")),
            context=context, outcome=None if outcome is None else str(outcome), _lines=_lines,
        )

    @classmethod
    def from_yaml(cls, text: str) -> CausalModel:
        """Build a model from YAML text; errors name the line of the offending variable."""
        import yaml

        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
            spec = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise ModelError(f"invalid YAML: {problem}", line) from None
        lines: dict[str, int] = {}
        if isinstance(root, yaml.MappingNode):
            for key, value in root.value:
                if key.value in ("exogenous", "endogenous") and isinstance(value, yaml.MappingNode):
                    for k2, _ in value.value:
                        lines.setdefault(str(k2.value), k2.start_mark.line + 1)
        return cls.from_dict(spec if spec is not None else {}, _lines=lines)


def load_model(path: str | Path) -> CausalModel:
    """Read a model file (YAML, see :class:`CausalModel`).

    Raises
    ------
    ModelError, CyclicModelError
        The file is not a valid model; the message names the variable and line.
    OSError
        The file cannot be read.
    """
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    try:
        return CausalModel.from_yaml(text)
    except (ModelError, CyclicModelError) as exc:
        new = type(exc)(f"{p.name}: {exc}")
        new.line = exc.line
        raise new from None
