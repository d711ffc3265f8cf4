"""Duplicate and near-duplicate detection (see :mod:`contentqa.duplicates.engine`)."""
