"""Spec -> SymPy: LaTeX parser, recipe language, derivations."""
