"""Services of the debtors app."""
