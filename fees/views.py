"""views of the fees app (money lands in issue 4)."""
