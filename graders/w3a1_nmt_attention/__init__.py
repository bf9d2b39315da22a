"""Hidden graders of w3a1_nmt_attention (a package: siblings import each other relatively)."""
