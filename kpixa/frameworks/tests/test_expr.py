from decimal import Decimal

import pytest

from kpixa.scoring.engine.expr import ExpressionError, parse_expression
from kpixa.scoring.engine.measures import is_known_measure


def test_it_evaluates_arithmetic_with_precedence_and_min_max() -> None:
    expr = parse_expression("6*A + min(2, 2.5*B) + 2.5*C", lambda n: n in {"A", "B", "C"})
    value = expr.evaluate({"A": Decimal("0.5"), "B": Decimal(1), "C": Decimal("0.4")})
    assert value == Decimal("6.0")
    assert expr.names == {"A", "B", "C"}


def test_it_reads_measures_with_dots_and_unary_minus() -> None:
    expr = parse_expression("max(0, dossiers.total - dossiers.late) / -(-2)", is_known_measure)
    assert expr.evaluate({"dossiers.total": Decimal(10), "dossiers.late": Decimal(4)}) == Decimal(3)


def test_it_gives_none_for_missing_inputs_and_division_by_zero() -> None:
    expr = parse_expression("dossiers.on_time / dossiers.total", is_known_measure)
    assert expr.evaluate({"dossiers.on_time": Decimal(1)}) is None
    assert expr.evaluate({"dossiers.on_time": Decimal(1), "dossiers.total": Decimal(0)}) is None


@pytest.mark.parametrize(
    "text",
    [
        "dossiers.total.__class__",
        "__import__('os')",
        "abs(dossiers.total)",
        "eval(1)",
        "dossiers.total()",
        "dossiers.total ** 2",
        "dossiers.total[0]",
        "'x'",
        "lambda: 1",
        "unknown_measure",
        "dossiers.nope",
        "min",
        "1 +",
        "(1",
        "",
        "1 2",
        "dossiers.total if 1 else 2",
    ],
)
def test_it_refuses_anything_outside_the_grammar(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(text, is_known_measure)


def test_it_accepts_reported_values_and_framework_totals() -> None:
    expr = parse_expression("reported.budget_revenue + framework.dvc766.total", is_known_measure)
    assert expr.names == {"reported.budget_revenue", "framework.dvc766.total"}
