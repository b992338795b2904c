"""The kernels' finite-difference witnesses (`fd_grad`, `fd_jacobian`) agree with the symbolic gradients."""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.recipes.interpreter import RecipeInterpreter
from derive.spec.declarations import Declarations


def test_finite_difference_witnesses_agree_with_the_symbolic_gradients():
    d = Declarations()
    z = [0.3, -1.2, 0.8]
    d.given["z"] = sp.ImmutableMatrix([sp.Rational(str(x)) for x in z])
    d.given["y"] = sp.ImmutableMatrix([0, 1, 0])
    ri = RecipeInterpreter(d)
    p = np.exp(z) / np.exp(z).sum()
    fd = np.array([float(x) for x in ri.run("fd_grad(cce_logits, z, y=y)")])
    assert np.allclose(fd, p - np.array([0, 1, 0]), atol=1e-8)
    J = np.array(ri.run("fd_jacobian(softmax, z)").tolist(), dtype=float)
    assert np.allclose(J, np.diag(p) - np.outer(p, p), atol=1e-8)
    d.given["t"] = sp.ImmutableMatrix([sp.Rational(3, 2), sp.Rational(-1, 10)])
    d.given["u"] = sp.ImmutableMatrix([0, 0])
    huber = [float(x) for x in ri.run("fd_grad(huber, t, y=u, delta=1)")]
    assert np.allclose(huber, [1.0, -0.1], atol=1e-8)
