"""Tasks of the creditors app."""
