"""Hidden graders of w1a3_jazz_improvisation (jazz improvisation with an LSTM).

- test_djmodel.py, test_music_inference_model.py, test_predict_and_sample.py: the graders, one
  file per exercise; common.py: what they share (tolerances, signatures, layers and models
  reached through the protocol);
- reference.py: the reference models (backend-neutral Keras 3), float64 TensorFlow references
  with emulations of known mistakes, and the hidden inputs;
- reference_recipe.py: the training recipe of the reference weights, and ``write_solo_wav``
  (the reference model's solo as a WAV file, for the demo).
"""
