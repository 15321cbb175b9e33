"""Sample-quality metrics on features the project computes itself (pure numpy/Keras, no Kedro).

Every packaged FID/KID (torch-fidelity, clean-fid, keras InceptionV3) downloads ImageNet weights at
run time; these modules take any feature matrix instead, so the feature network can be trained
offline inside the pipeline (``classifier``) or be parameter-free (``features.pixel_extractor``).
"""
