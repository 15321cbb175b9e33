# The two commands of README's set-up: `make run` (the default kedro run) and `make test` (the
# test suite); the other targets are helpers (`make serve`: the registered generator over HTTP).
# Each creates .venv at the project root if it is missing and installs the project into it
# with the exact versions of uv.lock (`make lock` refreshes the lock; README, "Set-up").
# `make install-gpu` / `make install-jax-gpu` add a GPU extra (docs/scaling.md); the venv keeps
# it through later syncs until `make install-cpu`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
# The extras beyond dev that this .venv was installed with, remembered in .venv/.extras so that a
# sync after a pull that changes uv.lock installs them again instead of quietly dropping them.
# `make install EXTRAS="gpu jax-gpu"` sets them.
ifneq ($(origin EXTRAS),command line)
EXTRAS := $(shell cat $(VENV)/.extras 2>/dev/null)
endif
# One stamp per set of extras (.installed, .installed-gpu, ...): another set, another sync.
space := $() $()
STAMP := $(VENV)/.installed$(subst $(space),,$(addprefix -,$(EXTRAS)))
# The `gpu` extra (TensorFlow's CUDA build) replaces the default group `tf-cpu` (pyproject.toml).
SYNC_ARGS := --extra dev $(addprefix --extra ,$(EXTRAS))
SYNC_ARGS += $(if $(filter gpu,$(EXTRAS)),--no-group tf-cpu)

# Nothing phones home: Kedro, MLflow and DVC telemetry off; TensorFlow's C++ chatter down.
export KEDRO_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := true
export MLFLOW_DISABLE_TELEMETRY := true
export DVC_NO_ANALYTICS := 1
export TF_CPP_MIN_LOG_LEVEL := 2
# uv trusts the system's certificate store, as pip does (a TLS-inspecting proxy's CA included).
export UV_NATIVE_TLS := 1

.PHONY: run repro test lint benchmark lock jupyter serve gpu-pack gpu-check
.PHONY: install install-cpu install-gpu install-jax-gpu

install: $(STAMP)

# Locked installs with a GPU extra, and back to the CPU-only default.
install-gpu:
	$(MAKE) install EXTRAS=gpu
install-jax-gpu:
	$(MAKE) install EXTRAS=jax-gpu
install-cpu:
	$(MAKE) install EXTRAS=

# pip only bootstraps uv; `uv sync --locked` then installs every package at its locked version
# and hash (the project itself editable) and fails if uv.lock no longer matches pyproject.toml.
$(BIN)/uv:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(BIN)/uv
	$(if $(EXTRAS),@echo "uv sync with the extras: $(EXTRAS) (make install-cpu: without them)")
	$(BIN)/uv sync --locked $(SYNC_ARGS) --quiet
	rm -f $(VENV)/.installed*
	echo "$(EXTRAS)" > $(VENV)/.extras
	touch $@

# Re-resolve every dependency to the newest versions pyproject.toml allows; commit uv.lock.
lock: | $(BIN)/uv
	$(BIN)/uv lock --upgrade

run: $(STAMP)
	$(BIN)/kedro run

# The registered generator (models:/mnist-generator@best) over HTTP on 127.0.0.1:5001
# (docs/serving-and-generating.md); ARGS="--port 8080 ..." passes options.
serve: $(STAMP)
	$(BIN)/python -m gan_pipeline.serve $(ARGS)

# `dvc repro` (docs/dvc.md); its stages call `kedro`, hence the PATH.
repro: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro

# One test file per process, as many processes as cores (at most 4: each test may start its own
# TensorFlow or server processes); a bare `pytest` runs them one after another.
test: $(STAMP)
	$(BIN)/pytest -n auto --maxprocesses=4 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

benchmark: $(STAMP)
	$(BIN)/python benchmarks/train_throughput.py

# `kedro jupyter lab`: JupyterLab with a kernel that has catalog, context, session and
# pipelines loaded. Jupyter refuses to start as root (a container, say) unless given
# --allow-root, added here when `id -u` is 0. More options through JUPYTER_ARGS, e.g.
# `make jupyter JUPYTER_ARGS="--no-browser --port=8899"` on a machine without a browser.
jupyter: $(STAMP)
	$(BIN)/kedro jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(JUPYTER_ARGS)

# GPU check (docs/scaling.md): `make gpu-pack WHEELS=dir` assembles the folder to carry to a GPU
# machine (source, photos, wheels); `make gpu-check` packs and runs it where JAX sees a GPU.
GPU_CARRY ?= data/gpu_check/carry
gpu-pack: $(STAMP)
	$(BIN)/python benchmarks/gpu_check.py pack $(GPU_CARRY) $(if $(WHEELS),--wheels $(WHEELS))
gpu-check: gpu-pack
	KERAS_BACKEND=jax $(BIN)/python $(GPU_CARRY)/gpu_check.py run --carry-dir $(GPU_CARRY) \
		--out data/08_reporting/gpu_check $(GPU_CHECK_ARGS)
