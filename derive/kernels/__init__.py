"""Small vectorised NumPy kernels for recomputing worked deep-learning examples.

Everything works in float64 and is batch-first. Each module covers one idea:

* :mod:`.dense` -- affine layer, ``W`` stored (out, in);
* :mod:`.activations` -- relu / sigmoid / tanh / softmax with derivatives;
* :mod:`.losses` -- MSE, BCE (probabilities and logits), cross-entropy, Huber;
* :mod:`.mlp` -- forward/backward of a dense stack, keeping every intermediate;
* :mod:`.optim` -- SGD, momentum (two conventions), Nesterov, Adam, L2 penalty;
* :mod:`.batchnorm`, :mod:`.dropout`, :mod:`.rnn`, :mod:`.lstm`, :mod:`.attention`.

Backward functions take the upstream gradient first and return gradients summed over the
batch; averaging lives in the losses' ``reduction``.
"""

from .activations import (
    ACTIVATIONS,
    get_activation,
    identity,
    identity_backward,
    relu,
    relu_backward,
    relu_derivative,
    sigmoid,
    sigmoid_backward,
    sigmoid_derivative,
    softmax,
    softmax_backward,
    softmax_jacobian,
    tanh,
    tanh_backward,
    tanh_derivative,
)
from .attention import AttentionCache, attention_backward, attention_forward
from .batchnorm import BatchNormCache, batchnorm_backward, batchnorm_forward
from .dense import dense_backward, dense_forward
from .dropout import dropout_backward, dropout_forward
from .losses import (
    LOSSES,
    bce_grad,
    bce_logits_grad,
    bce_logits_loss,
    bce_loss,
    cross_entropy_grad,
    cross_entropy_logits_grad,
    cross_entropy_logits_loss,
    cross_entropy_loss,
    huber_grad,
    huber_loss,
    mse_grad,
    mse_loss,
    one_hot,
)
from .lstm import LSTMCache, lstm_cell_backward, lstm_cell_forward
from .mlp import MLPCache, MLPGrads, mlp_backward, mlp_forward
from .optim import (
    adam_step,
    l2_grad,
    l2_penalty,
    momentum_step,
    nesterov_lookahead_step,
    nesterov_step,
    sgd_step,
)
from .rnn import RNNCache, RNNGrads, rnn_backward, rnn_forward

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "AttentionCache",
    "BatchNormCache",
    "LSTMCache",
    "MLPCache",
    "MLPGrads",
    "RNNCache",
    "RNNGrads",
    "adam_step",
    "attention_backward",
    "attention_forward",
    "batchnorm_backward",
    "batchnorm_forward",
    "bce_grad",
    "bce_logits_grad",
    "bce_logits_loss",
    "bce_loss",
    "cross_entropy_grad",
    "cross_entropy_logits_grad",
    "cross_entropy_logits_loss",
    "cross_entropy_loss",
    "dense_backward",
    "dense_forward",
    "dropout_backward",
    "dropout_forward",
    "get_activation",
    "huber_grad",
    "huber_loss",
    "identity",
    "identity_backward",
    "l2_grad",
    "l2_penalty",
    "lstm_cell_backward",
    "lstm_cell_forward",
    "mlp_backward",
    "mlp_forward",
    "momentum_step",
    "mse_grad",
    "mse_loss",
    "nesterov_lookahead_step",
    "nesterov_step",
    "one_hot",
    "relu",
    "relu_backward",
    "relu_derivative",
    "rnn_backward",
    "rnn_forward",
    "sgd_step",
    "sigmoid",
    "sigmoid_backward",
    "sigmoid_derivative",
    "softmax",
    "softmax_backward",
    "softmax_jacobian",
    "tanh",
    "tanh_backward",
    "tanh_derivative",
]
