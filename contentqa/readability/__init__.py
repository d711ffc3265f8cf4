"""Readability figures (textstat-equal English formulas, computed offline)."""
