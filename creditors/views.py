"""Views of the creditors app."""
