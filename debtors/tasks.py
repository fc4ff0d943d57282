"""Tasks of the debtors app."""
