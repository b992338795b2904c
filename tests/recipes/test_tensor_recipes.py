"""Tensor recipes follow their definitions: norms, softmax, logsumexp, recurrences, the LSTM cell, attention."""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.recipes.interpreter import RecipeInterpreter
from derive.spec.declarations import Declarations


def test_tensor_recipes_follow_their_definitions():
    d = Declarations()
    d.given["v"] = sp.ImmutableMatrix([3, -4, 1])
    d.given["z"] = sp.ImmutableMatrix([0, sp.log(2), sp.log(3)])
    ri = RecipeInterpreter(d)
    assert ri.run("norm(v)") == sp.sqrt(26)
    assert ri.run("norm(v, 1)") == 8
    assert ri.run("norm(v, oo)") == 4
    assert ri.run("dot(v, v)") == 26
    assert ri.run("outer(v, v)").shape == (3, 3)
    assert list(ri.run("softmax(z)")) == [sp.Rational(1, 6), sp.Rational(1, 3), sp.Rational(1, 2)]
    assert sp.simplify(ri.run("logsumexp(z)") - sp.log(6)) == 0
    assert ri.run("avg(v)") == 0 and ri.run("variance(v)") == sp.Rational(26, 3)
    assert sp.expand(ri.run('recurrence("2 * s + 1", s, 0, k, 0, 3)')) == 7


def test_lstm_cell_and_attention_recipes_match_the_textbook_equations():
    rng = np.random.default_rng(1)
    d = Declarations()
    names = {"x": (2,), "h": (2,), "c": (2,)}
    for g in "ifoc":
        names |= {f"Wx{g}": (2, 2), f"Wh{g}": (2, 2), f"b{g}": (2,)}
    vals = {k: rng.normal(size=s) for k, s in names.items()}
    for k, v in vals.items():
        d.given[k] = sp.ImmutableMatrix(v.reshape(v.shape[0], -1).tolist())
    rec = RecipeInterpreter(d).run("lstm_cell(x, h, c, Wxi, Whi, bi, Wxf, Whf, bf, Wxo, Who, bo, Wxc, Whc, bc)")

    def sig(a):
        return 1 / (1 + np.exp(-a))

    gate = {g: vals[f"Wx{g}"] @ vals["x"] + vals[f"Wh{g}"] @ vals["h"] + vals[f"b{g}"] for g in "ifoc"}
    c_new = sig(gate["f"]) * vals["c"] + sig(gate["i"]) * np.tanh(gate["c"])
    h_new = sig(gate["o"]) * np.tanh(c_new)
    assert np.allclose([float(v) for v in rec.component("c")], c_new)
    assert np.allclose([float(v) for v in rec.component("h")], h_new)
    Q, Km, V = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 4))
    for k, v in {"Q": Q, "K": Km, "V": V}.items():
        d.given[k] = sp.ImmutableMatrix(v.tolist())
    att = RecipeInterpreter(d).run("attention(Q, K, V)")
    S = Q @ Km.T / np.sqrt(2)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    assert np.allclose(np.array(att.component("out").tolist(), dtype=float), P @ V)
