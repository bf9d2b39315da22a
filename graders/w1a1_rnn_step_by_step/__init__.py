"""Hidden graders of w1a1_rnn_step_by_step (a package: siblings import each other relatively)."""
