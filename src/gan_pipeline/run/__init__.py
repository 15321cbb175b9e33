"""Run infrastructure around the model code: the training lock, SIGTERM as a resumable stop,
a process's place in a TF_CONFIG cluster, and which namespaces a run trains. Imports no Kedro
and no TensorFlow, so the hooks ask it before any TF work and ``gan/`` can use it."""
