"""Region checker, index-notation checker and code sandbox (inline inputs only)."""

from derive.lower.definitions import build_declarations
from derive.spec.model import ExerciseSpec
from verify.claims.index.check import check_index_claim
from verify.claims.regions import check_region_claim
from verify.claims.sandbox import check_code

NET = "threshold_net(WH=[[1],[1]], bH=[-1,-3], WO=[[-1,2]], bO=0.5, output=yhat)"
LINEAR = ["shape W = (3, 4)", "shape x = (4)", "shape b = (3)", "shape z = (3)",
          r"z_{i} = \sum_{j} W_{ij} x_{j} + b_{i}"]
LOGISTIC = ["shape x = (3, 2)", "shape w = (2)", "shape y = (3)", "shape z = (3)",
            r"z_{i} = \sum_{j} x_{ij} w_{j} + b", r"J = \sum_{i} (\ln(1 + e^{z_i}) - y_i z_i)"]


def _decls():
    return build_declarations(ExerciseSpec(id="t/1", title=None, notes=None, spec_file="t", spec_line=1,
                                           labels=["H", "O"]))


def test_region_correct_claim():
    v = check_region_claim(r"\begin{cases} 0 & \text{if } x \in [1, 3) \\ 1 & \text{else} \end{cases}", NET, _decls())
    assert v.verdict == "correct", v.message


def test_region_boundary_point_strict_vs_nonstrict():
    # x > 1 instead of x >= 1: only the boundary point x = 1 differs
    v = check_region_claim(r"\begin{cases} 0 & \text{if } x > 1, x < 3 \\ 1 & \text{else} \end{cases}", NET, _decls())
    assert v.verdict == "wrong" and "x = 1" in v.message, v.message


def test_region_two_dimensional_and_wrong_region():
    net = "threshold_net(WH=[[1,0],[0,1],[1,1]], bH=[0,0,-1], WO=[[1,1,-1]], bO=-1.5, output=yhat)"
    ok = r"\begin{cases} 1 & \text{if } x_1 \ge 0, x_2 \ge 0, x_1 + x_2 < 1 \\ 0 & \text{else} \end{cases}"
    assert check_region_claim(ok, net, _decls()).verdict == "correct"
    bad = r"\begin{cases} 1 & \text{if } x_1 \ge 0, x_2 \ge 0, x_1 + x_2 \le 1 \\ 0 & \text{else} \end{cases}"
    v = check_region_claim(bad, net, _decls())
    assert v.verdict == "wrong" and "x_1" in v.message


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


HIDDEN = "Zh = X.dot(Wh.T) + bh[None,:]\nUh = 1/(1+np.exp(-Zh))\n"


def test_code_needs_opt_in():
    v = check_code(HIDDEN, "hidden_sigmoid")
    assert v.verdict == "unverified" and "--allow-code" in v.message


def test_code_correct_and_broadcast_bug():
    assert check_code(HIDDEN, "hidden_sigmoid", allow_code=True).verdict == "correct"
    soft = "Zo = Uh.dot(Wo.T) + bo[None,:]\nexpZo = np.exp(Zo)\nUo = expZo / np.sum(expZo,axis=1)[None,:]\n"
    assert check_code(soft, "output_softmax", allow_code=True).verdict == "wrong"


def test_code_infinite_loop_memory_and_socket():
    loop = check_code("while True:\n    pass\n", "hidden_sigmoid", allow_code=True)
    assert loop.verdict == "unverified" and "limit" in loop.message
    mem = check_code("a = np.ones(10**10)\n", "hidden_sigmoid", allow_code=True)
    assert mem.verdict == "unverified" and "memory" in mem.message
    sock = check_code("import socket\n", "hidden_sigmoid", allow_code=True)
    assert sock.verdict == "unverified" and "socket" in sock.message
    # the run continues after those
    assert check_code(HIDDEN, "hidden_sigmoid", allow_code=True).verdict == "correct"


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


# ---------------------------------------------------------------- regions: tables and pointwise statements
TABLE = "threshold_net(WH=[[1],[1]], bH=[-2,-4], WO=[[1,-2]], bO=-0.5, at=[0, 1, 3, 5, 3.5])"


def test_table_row_label_disagreeing_with_its_values():
    assert check_region_claim(r"$z_{i1}^{\mathrm{H}} = x - 2$ -2 -1 1 3 1.5", TABLE, _decls()).verdict == "correct"
    v = check_region_claim(r"$z_{i2}^{\mathrm{H}} = x - 2$ -4 -3 -1 1 -0.5", TABLE, _decls())
    assert v.verdict == "wrong" and "x - 2 fails at x = 0" in v.message, v.message
    v = check_region_claim(r"$z_{i2}^{\mathrm{H}} = x - 4$ -4 -3 -1 1 0.5", TABLE, _decls())
    assert v.verdict == "wrong" and "value 1/2 at x = 7/2" in v.message, v.message
    v = check_region_claim(r"$u_{i1}^{\mathrm{H}} = g_{\mathrm{act}}(z_{i2}^{\mathrm{H}})$ 0 0 0 1 0", TABLE, _decls())
    assert v.verdict == "wrong" and "the values are those of g_" in v.message, v.message


def test_pointwise_statements_at_inputs_and_in_a_region():
    data = "threshold_net(WH=[[1],[1]], bH=[-2,-4], WO=[[1,-2]], bO=-0.5, at=[0, 1, 3, 5], y=[0, 0, 1, 0])"
    assert check_region_claim(r"\hat{y}_i = y_i", data, _decls()).verdict == "correct"
    assert check_region_claim(r"\hat{y}_i = y_i", data.replace("y=[0, 0, 1, 0]", "y=[0, 1, 1, 0]"),
                              _decls()).verdict == "wrong"
    tri = ("threshold_net(WH=[[1,0],[0,1],[1,1]], bH=[0,0,-1], WO=[[1,1,-1]], bO=-1.5, "
           "where='x_1 \\ge 0, x_2 \\ge 0, x_1 + x_2 < 1')")
    assert check_region_claim("z^{0} = 0.5", tri, _decls()).verdict == "correct"
    v = check_region_claim("z^{0} = 0.5", tri.replace("x_1 + x_2 < 1", "x_1 + x_2 \\le 1"), _decls())
    assert v.verdict == "wrong" and "fails at (x_1, x_2) = " in v.message, v.message  # a point on x_1 + x_2 = 1
    assert check_region_claim("N_h = 2", NET.replace("output=yhat", "output=Nh"), _decls()).verdict == "correct"


# ---------------------------------------------------------------- code: the question asked, and the run goes on
def test_code_generic_activation_question():
    generic = "Zh = X.dot(Wh.T) + bh[None,:]\nUh = g_act(Zh)\n"
    assert check_code(generic, "hidden_layer", allow_code=True).verdict == "correct"
    v = check_code(HIDDEN, "hidden_layer", allow_code=True)
    assert v.verdict == "wrong" and "g_act = relu" in v.message and "generic" in v.message, v.message


def test_code_limits_do_not_stop_the_run(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text("```\nwhile True: pass\n```\n\n$$\\frac{\\partial z_i}{\\partial b_i} = 1$$\n")
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "notes: n.md\nexercises:\n  - id: t/1\n    claims:\n"
        "      - id: loop\n        line: 2\n        latex: 'while True: pass'\n"
        "        code: \"while True: pass\\n\"\n        expect: hidden_sigmoid\n"
        "      - id: after\n        line: 5\n        kind: index\n"
        "        latex: '\\frac{\\partial z_i}{\\partial b_i} = 1'\n"
        "        expect: ['shape W = (3, 4)', 'shape x = (4)', 'shape b = (3)', 'shape z = (3)',"
        " 'z_{i} = \\sum_{j} W_{ij} x_{j} + b_{i}']\n")
    cli = Path(__file__).resolve().parent.parent / "cli.py"
    out = subprocess.run([sys.executable, str(cli), "verify", str(spec), "--notes-dir", str(notes), "--no-cache",
                          "--allow-code", "--format", "concise"], capture_output=True, text=True, timeout=120)
    assert "DC004 unverified [t/1 loop]" in out.stdout and "limit" in out.stdout, out.stdout + out.stderr
    assert "[t/1 after]" not in out.stdout  # the claim after the runaway snippet was checked (correct)
    assert out.returncode == 0, out.stdout + out.stderr
