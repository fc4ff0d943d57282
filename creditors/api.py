"""Api of the creditors app."""
