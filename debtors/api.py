"""Api of the debtors app."""
