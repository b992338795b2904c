"""Region checker, index-notation checker and code sandbox (inline inputs only)."""

from derive.exercise import build_declarations
from derive.spec import ExerciseSpec
from verify.index_notation import check_index_claim
from verify.regions import check_region_claim
from verify.sandbox import check_code

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
    v = check_index_claim(r"\frac{\partial J}{\partial w_j} = \frac{\partial J}{\partial z_i} x_{ij}", LOGISTIC)
    assert v.verdict == "wrong" and "missing sum over i" in v.message
    ok = check_index_claim(r"\frac{\partial J}{\partial w_j} = \sum_i \frac{\partial J}{\partial z_i} x_{ij}", LOGISTIC)
    assert ok.verdict == "correct"


def test_index_undefined_quantity_is_ill_posed_with_the_stand_in_named():
    squared = [*LINEAR, "shape y = (3)", r"L = \sum_{i} (y_i - z_i)^2"]
    v = check_index_claim(r"\frac{\partial u_i}{\partial b_i} = \frac{\partial u_i}{\partial z_i} = 2(z_i - y_i)", squared)
    assert v.verdict == "ill-posed" and "with L in place of u" in v.message, v.message
    v = check_index_claim(r"\frac{\partial u_i}{\partial b_i} = 3(z_i - y_i)", squared)
    assert v.verdict == "ill-posed" and "in place of" not in v.message


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
