"""Each construct SymPy's printer writes that the reader learnt for issue 15 (item 1), judged by the entry
`derivcheck equiv` uses (`check_pair`): one pair that is equivalent and one that is not, so the reading is
right and not merely accepted."""

from __future__ import annotations

import pytest

from verify.commands.equiv import check_pair

PAIRS = [
    # indefinite integrals: equal up to a constant of integration
    (r"\int x^{2}\, dx", r"\frac{x^3}{3} + 7", True),
    (r"\int x^{2}\, dx", r"x^3", False),
    (r"\iint x y\, dx\, dy", r"\frac{x^2 y^2}{4}", True),
    (r"\iint x y\, dx\, dy", r"x^2 y^2", False),
    # iterated definite integrals: the innermost sign pairs with the first differential
    (r"\int\limits_{0}^{2}\int\limits_{0}^{1} x y\, dx\, dy", "1", True),
    (r"\int\limits_{0}^{1}\int\limits_{0}^{y} x\, dx\, dy", r"\frac{1}{6}", True),
    (r"\int\limits_{0}^{1}\int\limits_{0}^{y} x\, dx\, dy", r"\frac{1}{2}", False),
    # one-sided limits
    (r"\lim_{x \to 0^+} \frac{\left|{x}\right|}{x}", "1", True),
    (r"\lim_{x \to 0^{-}} \frac{\left|{x}\right|}{x}", "1", False),
    (r"\lim_{x \to 3^{+}} \frac{x^2 - 9}{x - 3}", "6", True),
    # sums with symbolic bounds: the bound's letter is a count, whichever side is read first
    (r"\sum_{t=0}^{T - 1} \gamma^{t}", r"\frac{1-\gamma^T}{1-\gamma}", True),
    (r"\frac{1-\gamma^T}{1-\gamma}", r"\sum_{t=0}^{T-1}\gamma^t", True),
    (r"\sum_{t=0}^{T-1}\eta_0\gamma^t", r"\eta_0\frac{1-\gamma^{T+1}}{1-\gamma}", False),
    (r"\sum_{\substack{1 \leq t \leq 3\\1 \leq k \leq 2}} \left(k + t\right)", "21", True),
    (r"\sum_{\substack{1 \leq t \leq 3\\1 \leq k \leq 2}} \left(k + t\right)", "20", False),
    # a function name applied to a braced group, with or without a power
    (r"\log{\left(x \right)}^{2}", r"(\log x)^2", True),
    (r"\log{\left(x \right)}^{2}", r"2 \log x", False),
    (r"\operatorname{acot}{\left(x \right)}", r"\arctan{\left(\frac{1}{x} \right)}", True),
    (r"\operatorname{acot}{\left(x \right)}", r"\arctan x", False),
    (r"\operatorname{asin}^{2}{\left(x \right)}", r"(\arcsin x)^2", True),
    (r"\csc^{-1}{\left(x \right)}", r"\arcsin{\left(\frac{1}{x} \right)}", True),
    (r"\csc^{-1}{\left(x \right)}", r"\frac{1}{\csc x}", False),
    (r"\coth{\left(x \right)}", r"\frac{\cosh x}{\sinh x}", True),
    (r"\coth{\left(x \right)}", r"\tanh x", False),
    (r"\Gamma\left(x + 1\right)", r"x \Gamma\left(x\right)", True),
    (r"\Gamma\left(x + 1\right)", r"\Gamma\left(x\right)", False),
    (r"\operatorname{sinc}{\left(x \right)}", r"\frac{\sin x}{x}", True),
    (r"\operatorname{atan}_{2}{\left(y,x \right)}", r"\arctan{\left(\frac{y}{x} \right)}", True, {"x": "positive"}),
    (r"\operatorname{atan}_{2}{\left(y,x \right)}", r"\arctan{\left(\frac{y}{x} \right)}", False),
    # the reach of a derivative operator and of a factorial as SymPy prints them
    (r"\frac{\partial}{\partial x} \left(x + y\right)^{2}", r"2(x + y)", True),
    (r"\frac{\partial}{\partial x} \left(x + y\right)^{2}", r"2x", False),
    (r"\frac{d}{d x} 2 \cdot x", "2", True),
    (r"\frac{\partial^{2}}{\partial x^{2}} z / x", r"\frac{2z}{x^3}", True),
    (r"2 \left(n + 1\right)!", r"2 (n + 1) n!", True),
    (r"2 \left(n + 1\right)!", r"(2n + 2)!", False, {"n": "integer positive"}),
    # conditions: \wedge, \vee, itex's \gt
    (r"\begin{cases} 1 & \text{for}\: x > 0 \wedge y > 0 \\0 & \text{otherwise} \end{cases}",
     r"\begin{cases} 0 & x \leq 0 \\ 0 & y \leq 0 \\ 1 & \text{otherwise} \end{cases}", True),
    (r"\begin{cases} 1 & \text{for}\: x > 0 \vee y > 0 \\0 & \text{otherwise} \end{cases}",
     r"\begin{cases} 0 & x \leq 0 \\ 0 & y \leq 0 \\ 1 & \text{otherwise} \end{cases}", False),
    (r"\begin{cases} x & \text{for}\: x \gt 0 \\0 & \text{otherwise} \end{cases}", r"\max(x, 0)", True),
    (r"\root{3}{x}", r"\sqrt[3]{x}", True),
]


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{k}" for k in range(len(PAIRS))])
def test_sympy_printed_construct_is_judged_right(pair: tuple) -> None:
    a, b, equivalent, *symbols = pair
    result = check_pair(a, b, symbols[0] if symbols else None, seed=3, timeout=20.0)
    assert result["error"] is None or result["equivalent"] is not None, result["error"]
    assert result["equivalent"] is equivalent, (result["evidence"], result.get("diagnosis"))
    if equivalent is False:
        assert result["counterexample"] or result.get("diagnosis")
