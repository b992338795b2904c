"""Index-notation claims written unlike the bundled notes (other index letters, Greek indices, bounded sums,
bold components, `^\\top`): the one grammar reads them and the checker decides them, right and wrong."""

from verify.claims.index.check import check_index_claim

# y = A v with a square A, in letters p, q (the bundled notes use i, j, k)
PQ = ["shape A = (3, 3)", "shape v = (3)", "shape y = (3)", r"y_{p} = \sum_{q} A_{pq} v_{q}"]
# s = W h with K hidden units, the sum written with its bounds
BOUNDED = ["size K = 4", "shape W = (3, 4)", "shape h = (4)", "shape s = (3)",
           r"s_{n} = \sum_{k} W_{nk} h_{k}"]
# a layer h = W x written with bold names
BOLD = ["shape W = (3, 3)", "shape x = (3)", "shape h = (3)", r"h_{i} = \sum_{j} W_{ij} x_{j}"]
# h = W^T x
TRANSPOSED = ["shape W = (3, 2)", "shape x = (3)", "shape h = (2)", r"h_{j} = \sum_{i} W_{ij} x_{i}"]


def test_other_index_letters():
    assert check_index_claim(r"\frac{\partial y_p}{\partial v_q} = A_{pq}", PQ).verdict == "correct"
    v = check_index_claim(r"\frac{\partial y_p}{\partial v_q} = A_{qp}", PQ)
    assert v.verdict == "wrong" and "swapped" in v.message, v.message


def test_greek_index_letters():
    greek = ["shape A = (3, 3)", "shape v = (3)", "shape y = (3)", r"y_{\mu} = \sum_{\nu} A_{\mu\nu} v_{\nu}"]
    assert check_index_claim(r"\frac{\partial y_\mu}{\partial v_\nu} = A_{\mu\nu}", greek).verdict == "correct"
    assert check_index_claim(r"\frac{\partial y_\mu}{\partial v_\nu} = A_{\nu\mu}", greek).verdict == "wrong"


def test_sum_with_bounds_over_a_declared_size():
    assert check_index_claim(r"s_n = \sum_{k=1}^{K} W_{nk} h_k", BOUNDED).verdict == "correct"
    assert check_index_claim(r"s_n = \sum_{k=1}^{K} W_{nk} h_k + 1", BOUNDED).verdict == "wrong"
    short = check_index_claim(r"s_n = \sum_{k=1}^{K-1} W_{nk} h_k", BOUNDED)
    assert short.verdict == "ill-posed" and "3 terms" in short.message, short.message


def test_bold_components():
    ok = r"\frac{\partial \mathbf{h}_i}{\partial \mathbf{W}_{ij}} = \mathbf{x}_j"
    assert check_index_claim(ok, BOLD).verdict == "correct"
    bad = r"\frac{\partial \mathbf{h}_i}{\partial \mathbf{W}_{ij}} = \mathbf{x}_i"
    assert check_index_claim(bad, BOLD).verdict == "wrong"


def test_transpose_written_with_top():
    assert check_index_claim(r"\mathbf{h} = \mathbf{W}^\top \mathbf{x}", TRANSPOSED).verdict == "correct"
    assert check_index_claim(r"\mathbf{h} = \mathbf{W}^{\intercal} \mathbf{x}", TRANSPOSED).verdict == "correct"
    assert check_index_claim(r"\mathbf{h} = 2 \mathbf{W}^\top \mathbf{x}", TRANSPOSED).verdict == "wrong"
    # without the transpose the product does not fit: the claim cannot be evaluated as written
    assert check_index_claim(r"\mathbf{h} = \mathbf{W} \mathbf{x}", TRANSPOSED).verdict == "ill-posed"


def test_aliases_and_missing_equals_act_on_the_tree():
    spelled = [*PQ, r"alias g_{\mathrm{out}}(\mathbf{v}) -> y_{p}"]
    assert check_index_claim(r"g_{\mathrm{out}}(\mathbf{v}) = \sum_{q} A_{pq} v_q", spelled).verdict == "correct"
    marker = [*PQ, r"equals before: \sum_{r} A_{pr} v_{r}"]
    v = check_index_claim(r"y_p = \sum_{q} A_{pq} v_q \sum_{r} A_{pr} v_{r}", marker)
    assert v.verdict == "correct" and "'='" in v.message, v.message
    absent = check_index_claim(r"y_p = \sum_{q} A_{pq} v_q", marker)
    assert absent.verdict == "unparsed"


def test_unreadable_latex_is_unparsed_not_a_crash():
    v = check_index_claim(r"y_p = \sum_{q} A_{pq} v_q}", PQ)
    assert v.verdict == "unparsed"
