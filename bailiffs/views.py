"""Views of the bailiffs app."""
