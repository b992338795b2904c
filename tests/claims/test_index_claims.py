"""Index-notation claims (verify/claims/index), on inline models. Region and code claims: their own files."""

from verify.claims.index.check import check_index_claim

LINEAR = ["shape W = (3, 4)", "shape x = (4)", "shape b = (3)", "shape z = (3)",
          r"z_{i} = \sum_{j} W_{ij} x_{j} + b_{i}"]
LOGISTIC = ["shape x = (3, 2)", "shape w = (2)", "shape y = (3)", "shape z = (3)",
            r"z_{i} = \sum_{j} x_{ij} w_{j} + b", r"J = \sum_{i} (\ln(1 + e^{z_i}) - y_i z_i)"]


def test_index_correct_and_swapped():
    assert check_index_claim(r"\frac{\partial z_i}{\partial W_{ij}} = x_j", LINEAR).verdict == "correct"
    assert check_index_claim(r"\frac{\partial z_i}{\partial x_j} = W_{ij}", LINEAR).verdict == "correct"
    square = ["shape W = (3, 3)", "shape x = (3)", "shape b = (3)", "shape z = (3)",
              r"z_{i} = \sum_{j} W_{ij} x_{j} + b_{i}"]
    v = check_index_claim(r"\frac{\partial z_i}{\partial x_j} = W_{ji}", square)
    assert v.verdict == "wrong" and "swapped" in v.message


def test_index_out_of_range_swap_is_reported():
    v = check_index_claim(r"\frac{\partial z_i}{\partial x_j} = W_{ji}", LINEAR)
    assert v.verdict == "wrong"


def test_index_missing_sum_named():
    # a free index outside any sum is ill-posed (as in the core checker, DC002); the repair is named
    v = check_index_claim(r"\frac{\partial J}{\partial w_j} = \frac{\partial J}{\partial z_i} x_{ij}", LOGISTIC)
    assert v.verdict == "ill-posed" and "free index i" in v.message and "with a sum over i" in v.message
    ok = check_index_claim(r"\frac{\partial J}{\partial w_j} = \sum_i \frac{\partial J}{\partial z_i} x_{ij}", LOGISTIC)
    assert ok.verdict == "correct"


def test_index_undefined_quantity_is_ill_posed_with_the_stand_in_named():
    squared = [*LINEAR, "shape y = (3)", r"L = \sum_{i} (y_i - z_i)^2"]
    v = check_index_claim(r"\frac{\partial u_i}{\partial b_i} = \frac{\partial u_i}{\partial z_i} = 2(z_i - y_i)", squared)
    assert v.verdict == "ill-posed" and "with L in place of u" in v.message, v.message
    v = check_index_claim(r"\frac{\partial u_i}{\partial b_i} = 3(z_i - y_i)", squared)
    assert v.verdict == "ill-posed" and "would be right" not in v.message
    assert "with L in place of u: wrong" in v.message  # what the stand-in would still get wrong


def test_index_relu_network_backprop_right_and_swapped():
    relu = ["shape x = (3, 2)", "shape W = (4, 2)", "shape z = (3, 4)", "shape u = (3, 4)", "shape a = (4)",
            "function f = relu", r"z_{ij} = \sum_{k} W_{jk} x_{ik}", r"u_{ij} = f(z_{ij})",
            r"L = \sum_{i} (\sum_{j} a_{j} u_{ij})^2"]
    ok = r"\frac{\partial L}{\partial W_{jk}} = \sum_{i} \frac{\partial L}{\partial z_{ij}} x_{ik}"
    assert check_index_claim(ok, relu).verdict == "correct"
    bad = r"\frac{\partial L}{\partial W_{jk}} = \sum_{i} \frac{\partial L}{\partial z_{ik}} x_{ik}"
    assert check_index_claim(bad, relu).verdict == "wrong"


# ---------------------------------------------------------------- index notation: more shapes of claims
BACKPROP = ["shape x = (3, 2)", "shape W = (4, 2)", "shape b = (4)", "shape z = (3, 4)", "shape u = (3, 4)",
            "shape a = (4)", "size N = 3", "size M = 4", "function f = relu",
            r"z_{ij} = \sum_{k} W_{jk} x_{ik} + b_{j}", r"u_{ij} = f(z_{ij})",
            r"L = \sum_{i} (\sum_{j} a_{j} u_{ij})^2"]


def test_index_replaced_letter_and_spurious_sum_are_named():
    bad = r"\frac{\partial L}{\partial W_{jk}} = \sum_{i} \frac{\partial L}{\partial z_{ik}} x_{ik}"
    v = check_index_claim(bad, BACKPROP)
    assert v.verdict == "wrong" and "with z_{ij} in place of z_{ik}" in v.message, v.message
    extra = r"\frac{\partial L}{\partial u_{ij}} = \sum_{i} \frac{\partial L}{\partial u_{ij}}"
    v = check_index_claim(extra, BACKPROP)
    assert v.verdict == "wrong" and "without the sum over i" in v.message, v.message


def test_index_sum_over_the_wrong_letter_and_wrong_bound():
    # sum over i (to M) where the sum over j is meant: j is free, i's stated range is wrong
    bad = r"\frac{\partial L}{\partial x_{ik}} = \sum_{i=1}^{M} \frac{\partial L}{\partial z_{ij}} W_{jk}"
    v = check_index_claim(bad, BACKPROP)
    assert v.verdict == "ill-posed" and "summing over j instead of i" in v.message, v.message
    assert "runs to M" in v.message
    ok = r"\frac{\partial L}{\partial x_{ik}} = \sum_{j=1}^{M} \frac{\partial L}{\partial z_{ij}} W_{jk}"
    assert check_index_claim(ok, BACKPROP).verdict == "correct"


def test_index_wrong_rank_and_undeclared_label():
    v = check_index_claim(r"\frac{\partial L}{\partial b_{jk}} = \sum_{i} \frac{\partial L}{\partial z_{ij}}", BACKPROP)
    assert v.verdict == "ill-posed" and "b has 1 index" in v.message, v.message
    labelled = ["shape W^O = (3, 2)", "shape u^H = (2)", "shape z^O = (3)", r"z_{j}^{O} = \sum_{k} W_{jk}^{O} u_{k}^{H}"]
    v = check_index_claim(r"\frac{\partial z_{j}^{O}}{\partial u_{k}^{H}} = W_{jk}", labelled)
    assert v.verdict == "ill-posed" and "with W^O in place of W" in v.message, v.message


def test_index_condition_cases_and_elided_matrices():
    sig = ["size N = 5", "shape z = (5)", "shape u = (5)", "function f = sigmoid", "u_{i} = f(z_i)"]
    assert check_index_claim(r"\frac{\partial u_i}{\partial z_j} = 0 \text{ for } i \neq j", sig).verdict == "correct"
    assert check_index_claim(r"\frac{\partial u_i}{\partial z_j} = 0", sig).verdict == "wrong"
    diag = (r"\frac{\partial \mathbf{u}}{\partial \mathbf{z}} = \begin{bmatrix} f'(z_1) & 0 & \cdots & 0 \\ "
            r"\vdots & \vdots & \ddots & \vdots \\ 0 & 0 & \cdots & f'(z_N) \end{bmatrix} = "
            r"\operatorname{diag}(f'(z_1), \cdots, f'(z_N))")
    assert check_index_claim(diag, sig).verdict == "correct"
    v = check_index_claim(diag.replace("diag}(f'(z_1)", "diag}(f'(z_2)"), sig)
    assert v.verdict == "wrong" and "entry (1, 1)" in v.message, v.message
    relu = r"\frac{\partial u_{ij}}{\partial z_{ij}} = \begin{cases} 1, & \text{if } z_{ij} > 0 \\ 0, & \text{if } z_{ij} < 0. \end{cases}"
    assert check_index_claim(relu, BACKPROP).verdict == "correct"
    assert check_index_claim(relu.replace("1, &", "2, &"), BACKPROP).verdict == "wrong"


def test_index_matrix_forms_and_tensor_dot():
    batch = ["shape x = (4, 3)", "shape W = (5, 3)", "shape b = (5)", "shape z = (4, 5)", "shape B = (4, 5)",
             r"z_{ij} = \sum_{k} W_{jk} x_{ik} + b_{j}", r"B_{ij} = b_{j}"]
    assert check_index_claim(r"\mathbf{z} = \mathbf{x} \mathbf{W}^{\mathsf{T}} + \mathbf{B}", batch).verdict == "correct"
    assert check_index_claim(r"\mathbf{z}_i = \mathbf{W} \mathbf{x}_i + \mathbf{b}", batch).verdict == "correct"
    v = check_index_claim(r"\mathbf{z} = \mathbf{x} \mathbf{W} + \mathbf{B}", batch)
    assert v.verdict == "ill-posed" and "shapes" in v.message
    chain = r"\frac{\partial L}{\partial \mathbf{W}} = \frac{\partial L}{\partial \mathbf{z}} \cdot \frac{\partial \mathbf{z}}{\partial \mathbf{W}}"
    assert check_index_claim(chain, BACKPROP).verdict == "correct"


def test_index_order_ellipses_and_swapped_orders():
    model = ["size t = 1", "size r = 2", "size s = 1", "shape X = (2)", "shape Y = (3, 2)", "shape Z = (2)",
             "shape A = (3, 2, 2)", "shape B = (2, 3, 2)", r"Y_{ab} = \exp(\sum_{c} A_{abc} X_{c})",
             r"Z_{a} = \sum_{b} \sum_{c} B_{abc} Y_{bc} Y_{bc}"]
    good = (r"\frac{\partial Z_{i_1,\dots,i_s}}{\partial X_{k_1,\dots,k_t}} = \sum_{j_1=0}^{N_1-1} \cdots "
            r"\sum_{j_r=0}^{N_r-1} \frac{\partial Z_{i_1,\dots,i_s}}{\partial Y_{j_1,\dots,j_r}} "
            r"\frac{\partial Y_{j_1,\dots,j_r}}{\partial X_{k_1,\dots,k_t}}")
    assert check_index_claim(good, model).verdict == "correct"
    swapped = good.replace("i_s", "i_r").replace("j_r}", "j_s}")
    v = check_index_claim(swapped, model)
    assert v.verdict == "ill-posed" and "r and s exchanged" in v.message, v.message


def test_index_alias_data_and_missing_equals():
    cce = ["shape z = (2, 3)", "shape G = (2)", "value r = [[0, 1, 0], [0, 0, 1]]",
           r"alias g(\mathbf{z}_i) -> G_{i}", r"G_{i} = -\sum_{k} r_{ik} \ln(\frac{e^{z_{ik}}}{\sum_{l} e^{z_{il}}})"]
    ok = r"g(\mathbf{z}_i) := \ln \left[ \sum_{\ell} e^{z_{i\ell}} \right] - \sum_{k} r_{ik} z_{ik}"
    assert check_index_claim(ok, cce).verdict == "correct"
    assert check_index_claim(ok.replace("- \\sum_{k}", "+ \\sum_{k}"), cce).verdict == "wrong"
    lin = [*LINEAR, r"equals before: \sum_{j} W_{ij} x_{j}"]
    v = check_index_claim(r"z_{i} - b_{i} = \sum_{j} x_{j} W_{ij} \sum_{j} W_{ij} x_{j}", lin)
    assert v.verdict == "correct" and "'='" in v.message, v


def test_index_agreement_is_exact_not_floating_point():
    # 10^{-12} more than the derived value: floating point at 1e-9 called it equal; exact values do not
    tiny = check_index_claim(r"\frac{\partial z_i}{\partial W_{ij}} = x_j + 10^{-12}", LINEAR)
    assert tiny.verdict == "wrong", tiny.message
    logistic = check_index_claim(r"\frac{\partial J}{\partial z_i} = \frac{e^{z_i}}{1 + e^{z_i}} - y_i", LOGISTIC)
    assert logistic.verdict == "correct", logistic.message   # not rational: agreement to 50 digits


def test_a_definition_without_its_indices_is_a_clear_message_not_a_crash():
    lines = ["shape W = (3, 4)", "shape x = (4)", "shape b = (3)", "shape z = (3)", r"z = W x + b"]
    v = check_index_claim(r"\frac{\partial z_i}{\partial W_{ij}} = x_j", lines)
    assert v.verdict == "unparsed" and "definition of z: 0 indices written" in v.message
