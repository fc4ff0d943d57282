"""Services of the bailiffs app."""
