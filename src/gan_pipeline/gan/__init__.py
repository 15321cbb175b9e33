"""Pure Keras/TensorFlow GAN code. Imports no Kedro, so it can be used and tested alone."""
