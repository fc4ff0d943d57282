"""Tasks of the bailiffs app."""
