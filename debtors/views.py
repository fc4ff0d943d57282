"""Views of the debtors app."""
