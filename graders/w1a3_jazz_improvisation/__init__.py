"""Graders of w1a3_jazz_improvisation: reference models and computations (reference.py) and the
training recipe of the reference weights (reference_recipe.py)."""
