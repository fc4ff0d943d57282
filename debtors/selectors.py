"""Selectors of the debtors app."""
