"""Spec-free checking of notes: `derivcheck lint NOTES.md`.

Every equality step between closed expressions is checked as an identity; definitions seen
earlier in a section are in scope for later formulas. Anything that cannot be judged with
certainty is skipped and counted by reason, never reported: a finding always carries a
confirmed counterexample (or an exact difference for written-out arithmetic).
"""
