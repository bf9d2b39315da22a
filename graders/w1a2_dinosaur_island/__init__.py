"""Hidden graders of w1a2_dinosaur_island (a package: siblings import each other relatively)."""
