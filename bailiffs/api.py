"""Api of the bailiffs app."""
