"""Why a recipe cannot be run: the errors of the recipe language (a leaf module).

The interpreter and every op-family module (kernels, tensors, activation, ...) raise these; keeping them
here lets the op families import downward only, and the interpreter import the op tables at module top.
"""

from __future__ import annotations


class RecipeError(ValueError):
    """A recipe that cannot be read or names something unknown (a spec error)."""


class DerivationFailed(ValueError):
    """A well-formed recipe whose mathematics could not be carried out (-> unverified)."""


class ShapeMismatch(DerivationFailed):
    """Given data whose shapes cannot go together (a spec that is ill-posed, not a failed derivation)."""
